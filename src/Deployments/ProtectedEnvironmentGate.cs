using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Deployments.Verdicts;
using ModelRegistry.Dashboard.Persistence;

namespace ModelRegistry.Dashboard.Deployments;

/// <summary>
/// A protected environment accepts a version only on evidence (DESIGN.md §2): a deployment of it that succeeded in a
/// non-protected environment <em>and</em> passed a verdict there on at least its <c>minSamples</c> requests. A success
/// alone proves nothing: a direct deployment into an idle staging with <c>watchSeconds: 0</c> succeeds in two seconds
/// on zero requests, because insufficient data never fails a watch window.
/// </summary>
public static class ProtectedEnvironmentGate
{
    /// <summary>Throws a 409 saying what is missing when <paramref name="model"/>@<paramref name="version"/> has no such evidence.</summary>
    public static async Task RequireEvidenceAsync(RegistryDbContext db, string environment, string model, string version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var unprotected = await db.Environments.AsNoTracking().Where(e => !e.Protected).Select(e => e.Name).ToListAsync(cancellationToken);
        var succeeded = await db.Deployments.AsNoTracking()
            .Where(d => d.ModelName == model && d.ToVersion == version && d.Status == DeploymentStatus.Succeeded && unprotected.Contains(d.EnvironmentName))
            .OrderByDescending(d => d.Id)
            .ToListAsync(cancellationToken);
        var ids = succeeded.Select(d => d.Id).ToList();
        var passes = await db.Verdicts.AsNoTracking()
            .Where(v => ids.Contains(v.DeploymentId) && v.Outcome == VerdictOutcome.Pass)
            .GroupBy(v => v.DeploymentId)
            .Select(g => new { DeploymentId = g.Key, Samples = g.Max(v => v.CanarySamples) })
            .ToDictionaryAsync(p => p.DeploymentId, p => p.Samples, cancellationToken);

        var where = string.Join(" or ", unprotected.DefaultIfEmpty("a non-protected environment"));
        if (succeeded.Count == 0)
        {
            throw new ConflictException($"'{environment}' is protected: {model}@{version} has no succeeded deployment in {where}. Deploy it there first.", "version");
        }

        if (succeeded.Any(d => passes.TryGetValue(d.Id, out var samples) && samples >= DeploymentJson.ReadGuard(d.GuardRulesJson).MinSamples))
        {
            return;
        }

        var latest = succeeded[0];
        var minSamples = DeploymentJson.ReadGuard(latest.GuardRulesJson).MinSamples;
        throw new ConflictException(
            $"'{environment}' is protected: {model}@{version} succeeded in {latest.EnvironmentName} (deployment {latest.Id}) without evidence — " +
            $"no verdict there passed on at least {minSamples} of its requests (minSamples), so nothing shows it works under traffic. " +
            $"Deploy it to {where} again while it serves traffic (a canary, or a watch window long enough for {minSamples} requests).",
            "version");
    }
}
