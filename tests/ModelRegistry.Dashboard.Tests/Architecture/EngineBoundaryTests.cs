using System.Reflection;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Architecture;

/// <summary>
/// DESIGN.md §3: the engine folders know nothing of Razor, HTTP or SignalR. Checked twice: on the compiled types'
/// signatures, and on the source files' <c>using</c> directives. ASP.NET Core Identity's user model, user manager and
/// EF Core stores are allowed (users are engine data; they carry no HTTP, whatever their namespace says); its
/// <c>SignInManager</c> and cookies, in the <c>Microsoft.AspNetCore.Identity</c> assembly, are not.
/// </summary>
public sealed class EngineBoundaryTests
{
    private static readonly string[] EngineAreas = ["Registry", "Routing", "Audit", "Persistence", "Live", "Core", "Demo", "Telemetry", "Alerts", "Health", "Deployments", "Access", "Notifications"];

    private static readonly string[] ForbiddenNamespaces = ["Microsoft.AspNetCore", "MudBlazor", "Microsoft.JSInterop"];

    /// <summary>Identity's storage side: users, password hashing, the EF Core stores.</summary>
    private static readonly string[] IdentityStoreAssemblies =
        ["Microsoft.Extensions.Identity.Core", "Microsoft.Extensions.Identity.Stores", "Microsoft.AspNetCore.Identity.EntityFrameworkCore"];

    private static readonly string[] IdentityStoreNamespaces = ["Microsoft.AspNetCore.Identity", "Microsoft.AspNetCore.Identity.EntityFrameworkCore"];

    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static bool IsEngine(Type type) =>
        type.Namespace is { } ns && EngineAreas.Any(area =>
            ns == $"ModelRegistry.Dashboard.{area}" || ns.StartsWith($"ModelRegistry.Dashboard.{area}.", StringComparison.Ordinal));

    private static bool IsForbidden(Type type) =>
        type.Namespace is { } ns && ForbiddenNamespaces.Any(f => ns == f || ns.StartsWith(f + ".", StringComparison.Ordinal))
        && !IdentityStoreAssemblies.Contains(type.Assembly.GetName().Name);

    public static TheoryData<string> Areas => [.. EngineAreas];

    [Fact]
    public void Every_engine_area_has_types_to_check()
    {
        var areas = typeof(Program).Assembly.GetTypes().Where(IsEngine).Select(t => t.Namespace!.Split('.')[2]).ToHashSet();

        Assert.All(EngineAreas, area => Assert.Contains(area, areas));
    }

    [Fact]
    public void Engine_types_do_not_mention_web_or_ui_types_in_their_signatures()
    {
        var violations = typeof(Program).Assembly.GetTypes()
            .Where(IsEngine)
            .SelectMany(type => MentionedTypes(type).Where(IsForbidden).Select(bad => $"{type.FullName} → {bad.FullName}"))
            .Distinct()
            .ToList();

        Assert.True(violations.Count == 0, "Engine types reference web/UI types:\n" + string.Join("\n", violations));
    }

    [Fact]
    public void The_signature_scan_would_catch_a_web_type()
    {
        // Guard against a scan that silently finds nothing: a type known to use ASP.NET Core must be flagged.
        var apiHandler = typeof(Program).Assembly.GetTypes().Single(t => t.Name == "OperationExceptionHandler");

        Assert.Contains(MentionedTypes(apiHandler), IsForbidden);
        Assert.True(IsForbidden(typeof(Microsoft.AspNetCore.Identity.SignInManager<>)), "Identity's sign-in (HTTP) side must stay out of the engine");
        Assert.False(IsForbidden(typeof(Microsoft.AspNetCore.Identity.UserManager<>)));
    }

    [Theory]
    [MemberData(nameof(Areas))]
    public void Engine_source_files_do_not_import_web_or_ui_namespaces(string area)
    {
        var folder = Path.Combine(RepositoryRoot.Path, "src", area);
        var files = Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
                .ToList()
            : [];
        Assert.NotEmpty(files);

        var violations = (
            from file in files
            from line in File.ReadLines(file).Select((text, index) => (Text: text.Trim(), Number: index + 1))
            where !IdentityStoreNamespaces.Any(ns => line.Text == $"using {ns};")
            where ForbiddenNamespaces.Any(ns =>
                line.Text.StartsWith($"using {ns}", StringComparison.Ordinal)
                || line.Text.StartsWith($"global using {ns}", StringComparison.Ordinal)
                || line.Text.StartsWith($"@using {ns}", StringComparison.Ordinal)
                || line.Text.StartsWith($"@inject {ns}", StringComparison.Ordinal))
            select $"{Path.GetRelativePath(RepositoryRoot.Path, file)}:{line.Number}: {line.Text}").ToList();

        Assert.True(violations.Count == 0, "Engine sources import web/UI namespaces:\n" + string.Join("\n", violations));
    }

    /// <summary>Every type a type's shape names: bases, interfaces, members' types, parameters, returns and generic arguments.</summary>
    private static IEnumerable<Type> MentionedTypes(Type type)
    {
        var direct = new List<Type?> { type.BaseType };
        direct.AddRange(type.GetInterfaces());
        direct.AddRange(type.GetFields(Declared).Select(f => f.FieldType));
        direct.AddRange(type.GetProperties(Declared).Select(p => p.PropertyType));
        direct.AddRange(type.GetEvents(Declared).Select(e => e.EventHandlerType));
        foreach (var method in type.GetMethods(Declared))
        {
            direct.Add(method.ReturnType);
            direct.AddRange(method.GetParameters().Select(p => p.ParameterType));
            if (method.IsGenericMethodDefinition)
            {
                direct.AddRange(method.GetGenericArguments().SelectMany(a => a.GetGenericParameterConstraints()));
            }
        }

        direct.AddRange(type.GetConstructors(Declared).SelectMany(c => c.GetParameters()).Select(p => p.ParameterType));
        direct.AddRange(type.GetCustomAttributesData().Select(a => a.AttributeType));
        return direct.OfType<Type>().SelectMany(Expand);
    }

    /// <summary>A type and, recursively, its element type and generic arguments.</summary>
    private static IEnumerable<Type> Expand(Type type)
    {
        yield return type;
        if (type.HasElementType && type.GetElementType() is { } element)
        {
            foreach (var inner in Expand(element))
            {
                yield return inner;
            }
        }

        if (type.IsGenericType)
        {
            foreach (var inner in type.GetGenericArguments().Where(a => !a.IsGenericParameter).SelectMany(Expand))
            {
                yield return inner;
            }
        }
    }
}
