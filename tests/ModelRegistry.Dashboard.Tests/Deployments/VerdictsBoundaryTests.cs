using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Deployments;

/// <summary>DESIGN.md §3: the verdict engine is plain C# — no web, UI or I/O namespaces in its sources.</summary>
public sealed class VerdictsBoundaryTests
{
    private static readonly string[] Forbidden = ["Microsoft.AspNetCore", "MudBlazor", "Microsoft.JSInterop", "Microsoft.EntityFrameworkCore", "System.IO", "System.Net"];

    [Fact]
    public void Verdict_sources_import_nothing_but_the_engine_and_the_base_library()
    {
        var folder = Path.Combine(RepositoryRoot.Path, "src", "Deployments", "Verdicts");
        var files = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories).ToList();
        Assert.NotEmpty(files);

        var violations = (
            from file in files
            from line in File.ReadLines(file)
            where Forbidden.Any(ns => line.TrimStart().StartsWith($"using {ns}", StringComparison.Ordinal))
            select $"{Path.GetFileName(file)}: {line.Trim()}").ToList();

        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }
}
