using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Alerts;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Api;

/// <summary>
/// Faults of the database itself are answers, not 500s: a database locked by another writer is 503 with Retry-After,
/// and a row changed by someone else between read and write is 409. Nothing is stored by either.
/// </summary>
public sealed class DatabaseFaultTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_write_while_another_writer_holds_the_database_is_503_with_retry_after_and_stores_nothing()
    {
        // The app waits up to 30 s for a busy database; a second is enough to show what happens when the wait runs out.
        string? databasePath = null;
        await using var factory = new FaultyDatabaseFactory(services => services.ConfigureDbContext<SqliteRegistryDbContext>(o =>
            o.UseSqlite(new SqliteConnectionStringBuilder { DataSource = databasePath, DefaultTimeout = 1 }.ToString())));
        databasePath = factory.DatabasePath;
        using var client = factory.CreateClient();
        var before = await DatabaseCounts.ReadAsync(factory);

        using (var holder = new SqliteConnection($"Data Source={factory.DatabasePath};Pooling=False"))
        {
            await holder.OpenAsync(Ct);
            using var writeLock = holder.BeginTransaction(deferred: false);
            using var response = await client.PostAsJsonAsync("/api/v1/models", new { name = "while-locked" }, Ct);

            await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.Equal(["1"], response.Headers.GetValues("Retry-After"));
        }

        Assert.Equal(before, await DatabaseCounts.ReadAsync(factory));
        using var retried = await client.PostAsJsonAsync("/api/v1/models", new { name = "while-locked" }, Ct);
        await retried.ShouldHaveStatusAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Deleting_an_alert_rule_someone_changed_since_it_was_read_is_409_and_the_rule_stays()
    {
        string? databasePath = null;
        await using var factory = new FaultyDatabaseFactory(services => services.ConfigureDbContext<SqliteRegistryDbContext>(o =>
            o.AddInterceptors(new RuleChangedBeforeDelete(() => databasePath!))));
        databasePath = factory.DatabasePath;
        using var client = factory.CreateClient();
        using var created = await client.PostAsJsonAsync("/api/v1/alert-rules", new { name = "Raced", metric = "errorRate", comparator = "greaterThan", threshold = 10 }, Ct);
        var id = (await created.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt32();
        var before = await DatabaseCounts.ReadAsync(factory);

        using var response = await client.DeleteAsync($"/api/v1/alert-rules/{id}", Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        // The engine itself turns the race into a conflict naming who changed the rule: the Blazor circuit, which has
        // no exception handler, shows it instead of dying.
        Assert.Contains("Alert rule 'Raced' was changed by", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await DatabaseCounts.ReadAsync(factory));
        using var rule = await client.GetAsync($"/api/v1/alert-rules/{id}", Ct);
        await rule.ShouldHaveStatusAsync(HttpStatusCode.OK);
    }

    /// <summary>The real app with extra service registrations (applied after the app's own).</summary>
    private sealed class FaultyDatabaseFactory(Action<IServiceCollection> services) : DashboardFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services);
        }
    }

    /// <summary>Another operator edits the rule between the engine's read and its delete: the delete then matches no row.</summary>
    private sealed class RuleChangedBeforeDelete(Func<string> databasePath) : SaveChangesInterceptor
    {
        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(
            DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (eventData.Context?.ChangeTracker.Entries<AlertRule>().FirstOrDefault(e => e.State == EntityState.Deleted) is { } deleted)
            {
                await using var other = new SqliteConnection($"Data Source={databasePath()};Pooling=False");
                await other.OpenAsync(cancellationToken);
                await using var edit = other.CreateCommand();
                edit.CommandText = "UPDATE \"AlertRules\" SET \"ConcurrencyStamp\" = \"ConcurrencyStamp\" + 1 WHERE \"Id\" = $id";
                edit.Parameters.AddWithValue("$id", deleted.Entity.Id);
                await edit.ExecuteNonQueryAsync(cancellationToken);
            }

            return result;
        }
    }
}
