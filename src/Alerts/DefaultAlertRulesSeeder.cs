using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Persistence;

namespace ModelRegistry.Dashboard.Alerts;

/// <summary>Seeds the two default rules (DESIGN.md §2) into a database that has no rules yet.</summary>
internal sealed class DefaultAlertRulesSeeder(IDbContextFactory<RegistryDbContext> dbFactory, AlertRuleService rules) : IDatabaseSeeder
{
    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (await db.AlertRules.AnyAsync(cancellationToken))
            {
                return;
            }
        }

        await rules.CreateAsync(Actor.System, new AlertRuleRequest("Average latency above 2 s", "avgLatencyMs", "greaterThan", 2000,
            WindowSeconds: 60, ForSeconds: 0, Severity: "warning", MinSamples: 20), cancellationToken);
        await rules.CreateAsync(Actor.System, new AlertRuleRequest("Error rate above 10%", "errorRate", "greaterThan", 10,
            WindowSeconds: 60, ForSeconds: 0, Severity: "critical", MinSamples: 20), cancellationToken);
    }
}
