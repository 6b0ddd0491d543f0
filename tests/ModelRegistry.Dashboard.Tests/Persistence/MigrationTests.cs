using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Persistence;

/// <summary>Both providers' migrations match the model; SQL Server's DDL is proven by generating it (no server here).</summary>
public sealed class MigrationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SqlServerRegistryDbContext SqlServer() =>
        new(new DbContextOptionsBuilder<SqlServerRegistryDbContext>().UseSqlServer("Server=unused;Database=x;Integrated Security=true").Options);

    private static SqliteRegistryDbContext Sqlite(string connectionString = "Data Source=unused.db") =>
        new(new DbContextOptionsBuilder<SqliteRegistryDbContext>().UseSqlite(connectionString).Options);

    [Fact]
    public void Sqlite_migrations_cover_the_model()
    {
        using var context = Sqlite();

        Assert.False(context.Database.HasPendingModelChanges(), "The SQLite model has changes without a migration: run dotnet ef migrations add --context SqliteRegistryDbContext.");
    }

    [Fact]
    public void SqlServer_migrations_cover_the_model()
    {
        using var context = SqlServer();

        Assert.False(context.Database.HasPendingModelChanges(), "The SQL Server model has changes without a migration: run dotnet ef migrations add --context SqlServerRegistryDbContext.");
    }

    [Fact]
    public void Both_providers_have_the_same_migrations_in_the_same_order()
    {
        using var sqlite = Sqlite();
        using var sqlServer = SqlServer();

        static IEnumerable<string> Names(DbContext context) => context.Database.GetMigrations().Select(id => id[(id.IndexOf('_', StringComparison.Ordinal) + 1)..]);

        Assert.NotEmpty(Names(sqlite));
        Assert.Equal(Names(sqlite), Names(sqlServer));
    }

    [Fact]
    public void The_SqlServer_script_creates_the_tables_unique_indexes_and_environments()
    {
        using var context = SqlServer();

        var script = context.GetService<IMigrator>().GenerateScript();

        Assert.Contains("CREATE TABLE [Models]", script, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE [ModelVersions]", script, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE [Routes]", script, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE [AuditEntries]", script, StringComparison.Ordinal);
        Assert.Contains("CREATE TABLE [Environments]", script, StringComparison.Ordinal);
        Assert.Contains("CREATE UNIQUE INDEX [IX_Models_Name]", script, StringComparison.Ordinal);
        Assert.Contains("CREATE UNIQUE INDEX [IX_ModelVersions_ModelId_Version]", script, StringComparison.Ordinal);
        Assert.Contains("CREATE UNIQUE INDEX [IX_Routes_EnvironmentName_ModelName]", script, StringComparison.Ordinal);
        Assert.Contains("N'production'", script, StringComparison.Ordinal);
        Assert.Contains("N'staging'", script, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Migrating_a_fresh_sqlite_file_creates_the_tables_and_seeds_the_environments()
    {
        using var database = new TestDatabase();
        await using (var context = Sqlite(database.ConnectionString))
        {
            await context.Database.MigrateAsync(Ct);

            Assert.Empty(await context.Database.GetPendingMigrationsAsync(Ct));
            var environments = await context.Environments.AsNoTracking().OrderBy(e => e.Rank).ToListAsync(Ct);
            Assert.Equal(["staging", "production"], environments.Select(e => e.Name));
            Assert.Equal([false, true], environments.Select(e => e.Protected));
            Assert.Equal(0, await context.Models.CountAsync(Ct));
        }

        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table'";
        var tables = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.Subset(new HashSet<string>(tables), new HashSet<string> { "Models", "ModelVersions", "Environments", "Routes", "AuditEntries", "__EFMigrationsHistory" });
    }
}
