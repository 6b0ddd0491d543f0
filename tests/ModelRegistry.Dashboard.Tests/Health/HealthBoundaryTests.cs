using System.Reflection;
using ModelRegistry.Dashboard.Health;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Health;

/// <summary>
/// DESIGN.md §3 for the health engine: <c>src/Health</c> knows nothing of ASP.NET Core (HttpClient is fine — it is
/// how the engine reaches the endpoints it checks).
/// </summary>
public sealed class HealthBoundaryTests
{
    private const BindingFlags Declared =
        BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    [Fact]
    public void Health_sources_do_not_import_web_or_ui_namespaces()
    {
        var folder = Path.Combine(RepositoryRoot.Path, "src", "Health");
        var files = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(files);

        var violations = (
            from file in files
            from line in File.ReadLines(file).Select(l => l.Trim())
            where line.StartsWith("using Microsoft.AspNetCore", StringComparison.Ordinal)
                || line.StartsWith("using MudBlazor", StringComparison.Ordinal)
                || line.StartsWith("using Microsoft.JSInterop", StringComparison.Ordinal)
            select $"{Path.GetFileName(file)}: {line}").ToList();

        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    [Fact]
    public void Health_types_do_not_mention_aspnetcore_types()
    {
        var types = typeof(HealthMonitor).Assembly.GetTypes().Where(t => t.Namespace == typeof(HealthMonitor).Namespace).ToList();
        Assert.Contains(typeof(HealthProber), types);

        var mentioned = types.SelectMany(t =>
                t.GetFields(Declared).Select(f => f.FieldType)
                    .Concat(t.GetProperties(Declared).Select(p => p.PropertyType))
                    .Concat(t.GetMethods(Declared).SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType)))
                    .Concat(t.GetConstructors(Declared).SelectMany(c => c.GetParameters().Select(p => p.ParameterType)))
                    .Append(t.BaseType)
                    .OfType<Type>()
                    .Select(m => (Type: t, Mentioned: m)))
            .Where(x => x.Mentioned.Namespace?.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) == true)
            .Select(x => $"{x.Type.Name} → {x.Mentioned.FullName}")
            .ToList();

        Assert.True(mentioned.Count == 0, string.Join("\n", mentioned));
    }
}
