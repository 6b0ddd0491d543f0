using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ModelRegistry.Dashboard.Persistence;

/// <summary>
/// Migrates the database before the server accepts requests, switches SQLite to WAL, then runs every
/// <see cref="IDatabaseSeeder"/> (environments come from the migration; demo data from its seeder when enabled).
/// </summary>
internal sealed partial class DatabaseInitializer(
    IDbContextFactory<RegistryDbContext> dbFactory,
    IOptions<DatabaseOptions> options,
    IServiceProvider services,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (options.Value.MigrateOnStart)
            {
                await db.Database.MigrateAsync(cancellationToken);
                LogMigrated(logger, db.Database.ProviderName ?? "?");
            }

            if (db.Database.IsSqlite())
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }
        }

        foreach (var seeder in services.GetServices<IDatabaseSeeder>())
        {
            await seeder.SeedAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Registry database is migrated ({Provider}).")]
    private static partial void LogMigrated(ILogger logger, string provider);
}

/// <summary>Fills the database after migration; must be idempotent (it runs at every start).</summary>
public interface IDatabaseSeeder
{
    Task SeedAsync(CancellationToken cancellationToken);
}
