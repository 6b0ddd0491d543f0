namespace ModelRegistry.Dashboard.Tests.Infrastructure;

public static class RepositoryRoot
{
    /// <summary>The folder holding <c>ModelRegistry.Dashboard.sln</c>, found by walking up from the test output.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "ModelRegistry.Dashboard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ModelRegistry.Dashboard.sln above {AppContext.BaseDirectory}.");
    }
}
