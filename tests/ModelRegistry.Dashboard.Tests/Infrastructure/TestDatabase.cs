using Microsoft.Data.Sqlite;

namespace ModelRegistry.Dashboard.Tests.Infrastructure;

/// <summary>
/// A real SQLite file of its own under <c>{test output}/test-dbs/</c>, deleted with its WAL and shared-memory files on dispose.
/// </summary>
public sealed class TestDatabase : IDisposable
{
    public TestDatabase()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "test-dbs");
        Directory.CreateDirectory(folder);
        FilePath = Path.Combine(folder, $"{Guid.NewGuid():N}.db");
    }

    public string FilePath { get; }

    /// <summary>The setting for <c>ConnectionStrings:Registry</c>.</summary>
    public string ConnectionString => $"Data Source={FilePath}";

    public void Dispose()
    {
        // The app pools connections: release this file's pooled handles so the files can be deleted.
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" })
        {
            var path = FilePath + suffix;
            if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
    }
}
