using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Persistence;

namespace ModelRegistry.Dashboard.Tests.Infrastructure;

/// <summary>Row counts of every table a request can write, to prove that a refused request stored nothing.</summary>
public sealed record DatabaseCounts(int Models, int Versions, int Routes, int AuditEntries, int Deployments, int DeploymentEvents, int Snapshots)
{
    public static async Task<DatabaseCounts> ReadAsync(DashboardFactory factory)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync(ct);
        return new DatabaseCounts(
            await db.Models.CountAsync(ct),
            await db.ModelVersions.CountAsync(ct),
            await db.Routes.CountAsync(ct),
            await db.AuditEntries.CountAsync(ct),
            await db.Deployments.CountAsync(ct),
            await db.DeploymentEvents.CountAsync(ct),
            await db.Snapshots.CountAsync(ct));
    }
}
