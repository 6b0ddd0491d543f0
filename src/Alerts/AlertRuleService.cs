using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Persistence;

namespace ModelRegistry.Dashboard.Alerts;

/// <summary>Creates, edits and deletes alert rules: validated whole, authorised (Operator), audited and published.</summary>
public sealed class AlertRuleService(
    IDbContextFactory<RegistryDbContext> dbFactory,
    AuditLog audit,
    IChangeNotifier notifier,
    TimeProvider clock)
{
    public const int MaxWindowSeconds = 900;

    public async Task<IReadOnlyList<AlertRuleInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rules = await db.AlertRules.AsNoTracking().OrderBy(r => r.Id).ToListAsync(cancellationToken);
        return [.. rules.Select(AlertRuleInfo.From)];
    }

    public async Task<AlertRuleInfo> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rule = await db.AlertRules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw Unknown(id);
        return AlertRuleInfo.From(rule);
    }

    public async Task<AlertRuleInfo> CreateAsync(Actor actor, AlertRuleRequest request, CancellationToken cancellationToken = default)
    {
        actor.Demand(ActorRole.Operator, "create alert rules");
        var valid = Validate(request);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await CheckScopeAsync(db, valid, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var rule = new AlertRule { Name = valid.Name, CreatedAt = now, CreatedBy = actor.Name, UpdatedBy = actor.Name, UpdatedAt = now };
        valid.ApplyTo(rule);
        db.AlertRules.Add(rule);

        // The audit entry names the rule's id, which exists only after the insert: both commit in one transaction.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        var info = AlertRuleInfo.From(rule);
        audit.Record(db, actor, AuditActions.AlertRuleCreated, $"alert-rule:{rule.Id} {rule.Name}", model: rule.ModelName, environment: rule.EnvironmentName, after: info);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        notifier.Publish(new Change(ChangeKind.AlertRuleChanged, rule.ModelName, Environment: rule.EnvironmentName));
        return info;
    }

    public async Task<AlertRuleInfo> UpdateAsync(Actor actor, int id, AlertRuleRequest request, CancellationToken cancellationToken = default)
    {
        actor.Demand(ActorRole.Operator, "edit alert rules");
        var valid = Validate(request);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await CheckScopeAsync(db, valid, cancellationToken);
        var rule = await db.AlertRules.FirstOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw Unknown(id);
        if (request.ConcurrencyStamp is { } expected && expected != rule.ConcurrencyStamp)
        {
            throw Stale(rule);
        }

        var before = AlertRuleInfo.From(rule);
        valid.ApplyTo(rule);
        rule.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        rule.UpdatedBy = actor.Name;
        rule.ConcurrencyStamp++;
        var after = AlertRuleInfo.From(rule);
        audit.Record(db, actor, AuditActions.AlertRuleUpdated, $"alert-rule:{rule.Id} {rule.Name}", model: rule.ModelName, environment: rule.EnvironmentName, before: before, after: after);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            await using var fresh = await dbFactory.CreateDbContextAsync(cancellationToken);
            throw Stale(await fresh.AlertRules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw Unknown(id));
        }

        notifier.Publish(new Change(ChangeKind.AlertRuleChanged, rule.ModelName, Environment: rule.EnvironmentName));
        return after;
    }

    public async Task DeleteAsync(Actor actor, int id, CancellationToken cancellationToken = default)
    {
        actor.Demand(ActorRole.Operator, "delete alert rules");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rule = await db.AlertRules.FirstOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw Unknown(id);
        db.AlertRules.Remove(rule);
        audit.Record(db, actor, AuditActions.AlertRuleDeleted, $"alert-rule:{rule.Id} {rule.Name}", model: rule.ModelName, environment: rule.EnvironmentName, before: AlertRuleInfo.From(rule));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Changed or deleted by someone else since it was read: a 409 naming them (or a 404), never an escape that
            // kills the page's circuit.
            await using var fresh = await dbFactory.CreateDbContextAsync(cancellationToken);
            throw Stale(await fresh.AlertRules.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw Unknown(id));
        }

        notifier.Publish(new Change(ChangeKind.AlertRuleChanged, rule.ModelName, Environment: rule.EnvironmentName));
    }

    internal static ValidRule Validate(AlertRuleRequest request)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            errors.Add("name", "'name' is required, e.g. \"Error rate above 10%\".");
        }

        errors.MaxLength("name", request.Name, 200);
        var metric = EnumText.Parse<AlertMetric>(request.Metric);
        if (metric is null)
        {
            errors.Add("metric", $"'metric' must be one of {EnumText.Names<AlertMetric>()}.");
        }

        var comparator = EnumText.Parse<AlertComparator>(request.Comparator);
        if (comparator is null)
        {
            errors.Add("comparator", "'comparator' must be greaterThan or lessThan.");
        }

        if (request.Threshold is not { } threshold || !double.IsFinite(threshold) || threshold < 0)
        {
            errors.Add("threshold", "'threshold' is required and must be a number ≥ 0 (rates in percent, latency in ms).");
        }
        else if (metric is AlertMetric.ErrorRate or AlertMetric.SuccessRate && threshold > 100)
        {
            errors.Add("threshold", "A rate threshold is a percentage from 0 to 100.");
        }

        var window = request.WindowSeconds ?? 60;
        if (window is < 10 or > MaxWindowSeconds)
        {
            errors.Add("windowSeconds", $"'windowSeconds' must be from 10 to {MaxWindowSeconds}.");
        }

        var forSeconds = request.ForSeconds ?? 0;
        if (forSeconds is < 0 or > 3600)
        {
            errors.Add("forSeconds", "'forSeconds' must be from 0 to 3600.");
        }

        var cooldown = request.CooldownSeconds ?? AlertRule.DefaultCooldownSeconds;
        if (cooldown is < 0 or > AlertRule.MaxCooldownSeconds)
        {
            errors.Add("cooldownSeconds", $"'cooldownSeconds' must be from 0 to {AlertRule.MaxCooldownSeconds} (0 resolves an alert as soon as its condition clears).");
        }

        var severity = request.Severity is null ? AlertSeverity.Warning : EnumText.Parse<AlertSeverity>(request.Severity);
        if (severity is null)
        {
            errors.Add("severity", "'severity' must be info, warning or critical.");
        }

        var minSamples = request.MinSamples ?? 20;
        if (minSamples is < 1 or > 1_000_000)
        {
            errors.Add("minSamples", "'minSamples' must be at least 1.");
        }

        errors.ThrowIfAny();
        return new ValidRule(request.Name!.Trim(), metric!.Value, comparator!.Value, request.Threshold!.Value, window, forSeconds,
            severity!.Value, RegistryRules.Blank(request.Model), RegistryRules.Blank(request.Environment), minSamples, request.Enabled ?? true, cooldown);
    }

    private static async Task CheckScopeAsync(RegistryDbContext db, ValidRule rule, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (rule.Model is { } model && !await db.Models.AnyAsync(m => m.Name == model, cancellationToken))
        {
            errors.Add("model", $"Model '{model}' is not registered; leave 'model' empty to watch every model.");
        }

        if (rule.Environment is { } environment && !await db.Environments.AnyAsync(e => e.Name == environment, cancellationToken))
        {
            errors.Add("environment", $"Environment '{environment}' does not exist; leave it empty to watch every environment.");
        }

        errors.ThrowIfAny();
    }

    private static NotFoundException Unknown(int id) => new($"Alert rule {id} does not exist.");

    private static ConflictException Stale(AlertRule current) =>
        new($"Alert rule '{current.Name}' was changed by {current.UpdatedBy} at {current.UpdatedAt:u}; reload it and apply your edit again.");

    internal sealed record ValidRule(
        string Name, AlertMetric Metric, AlertComparator Comparator, double Threshold, int WindowSeconds, int ForSeconds,
        AlertSeverity Severity, string? Model, string? Environment, int MinSamples, bool Enabled, int CooldownSeconds)
    {
        public void ApplyTo(AlertRule rule)
        {
            rule.Name = Name;
            rule.Metric = Metric;
            rule.Comparator = Comparator;
            rule.Threshold = Threshold;
            rule.WindowSeconds = WindowSeconds;
            rule.ForSeconds = ForSeconds;
            rule.Severity = Severity;
            rule.ModelName = Model;
            rule.EnvironmentName = Environment;
            rule.MinSamples = MinSamples;
            rule.Enabled = Enabled;
            rule.CooldownSeconds = CooldownSeconds;
        }
    }
}
