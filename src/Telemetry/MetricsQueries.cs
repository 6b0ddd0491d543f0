using System.Globalization;
using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>
/// Answers the metrics API: live per-version summaries with cost, and series that join the persisted minute rollups
/// (history) to the live buckets (everything after the last flush).
/// </summary>
public sealed class MetricsQueries(
    MetricsStore store,
    MetricRollupWriter rollups,
    VersionService versions,
    RouteService routes,
    IDbContextFactory<RegistryDbContext> dbFactory,
    TimeProvider clock)
{
    public const int DefaultWindowSeconds = 60;

    public const int MaxPoints = 2000;

    public const int MaxStepSeconds = 86_400;

    /// <summary>The range 'from' and 'to' may name: no metric predates the Unix epoch.</summary>
    private static readonly DateTime EarliestTime = DateTime.UnixEpoch;

    private static readonly DateTime LatestTime = new(9999, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>
    /// Each version of <see cref="MetricsSummaryRequest.Model"/> that recorded anything in the last 15 minutes or holds
    /// traffic in the route, per environment (all of them unless one is named), newest version first.
    /// </summary>
    public async Task<MetricsSummaryResult> SummarizeAsync(MetricsSummaryRequest request, CancellationToken cancellationToken = default)
    {
        var errors = new ValidationErrors();
        if (string.IsNullOrWhiteSpace(request.Model))
        {
            errors.Add("model", "'model' is required.");
        }

        var window = DefaultWindowSeconds;
        if (!string.IsNullOrWhiteSpace(request.WindowSeconds)
            && (!int.TryParse(request.WindowSeconds, NumberStyles.None, CultureInfo.InvariantCulture, out window) || window < 1 || window > MetricsStore.LongestWindowSeconds))
        {
            errors.Add("windowSeconds", $"'windowSeconds' must be a whole number of seconds from 1 to {MetricsStore.LongestWindowSeconds} (the live windows are 60, 300 and 900).");
        }

        errors.ThrowIfAny();
        var model = request.Model!;
        var environment = string.IsNullOrWhiteSpace(request.Environment) ? null : request.Environment;
        var modelVersions = await versions.ListAsync(model, cancellationToken);
        var environments = await ResolveEnvironmentsAsync(environment, cancellationToken);
        var modelRoutes = await routes.ListAsync(environment, model, cancellationToken);
        var active = store.ActiveSeries.ToHashSet();

        var summaries = new List<MetricsSummary>();
        foreach (var name in environments)
        {
            var route = modelRoutes.FirstOrDefault(r => r.Environment == name);
            foreach (var version in modelVersions)
            {
                var key = new SeriesKey(name, model, version.Version);
                if (!active.Contains(key) && route?.Serves(version.Version) != true)
                {
                    continue;
                }

                var summary = store.Summarize(key, TimeSpan.FromSeconds(window));
                summaries.Add(summary with { Cost = Cost(summary.InputTokens, summary.OutputTokens, version.Metadata) });
            }
        }

        return new MetricsSummaryResult(model, environment, window, clock.GetUtcNow().UtcDateTime, summaries);
    }

    /// <summary>
    /// Points every <c>stepSeconds</c> from <c>from</c> (default an hour ago) to <c>to</c> (default now). Minutes before
    /// the last rollup flush come from the database at one-minute resolution; later seconds from the live buckets.
    /// </summary>
    public async Task<MetricSeriesResult> SeriesAsync(MetricSeriesRequest request, CancellationToken cancellationToken = default)
    {
        var errors = new ValidationErrors();
        foreach (var (field, value) in new[] { ("model", request.Model), ("environment", request.Environment), ("version", request.Version) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                errors.Add(field, $"'{field}' is required.");
            }
        }

        var now = store.NowSecond();
        var to = ParseTime(errors, "to", request.To) ?? now + 1;
        var from = ParseTime(errors, "from", request.From) ?? to - 3600;
        var step = 60;
        if (!string.IsNullOrWhiteSpace(request.StepSeconds)
            && (!int.TryParse(request.StepSeconds, NumberStyles.None, CultureInfo.InvariantCulture, out step) || step < 1 || step > MaxStepSeconds))
        {
            errors.Add("stepSeconds", $"'stepSeconds' must be a whole number of seconds from 1 to {MaxStepSeconds:N0}.");
            step = 0;
        }

        if (errors.IsEmpty && from >= to)
        {
            errors.Add("from", "'from' must be before 'to'.");
        }

        var count = step > 0 && to > from ? (int)Math.Min(int.MaxValue, (to - from + step - 1) / step) : 0;
        if (errors.IsEmpty && count > MaxPoints)
        {
            var minimum = (to - from + MaxPoints - 1) / MaxPoints;
            errors.Add("stepSeconds", $"From 'from' to 'to' every {step} s is {count:N0} points; at most {MaxPoints:N0} are returned: use a step of at least {minimum} s or a shorter range.");
        }

        errors.ThrowIfAny();
        var key = new SeriesKey(request.Environment!, request.Model!, request.Version!);
        await versions.GetAsync(key.Model, key.Version, cancellationToken);
        await ResolveEnvironmentsAsync(key.Environment, cancellationToken);

        var points = new PointFigures[count];
        var fromTime = MetricsStore.FromSecond(from);
        var toTime = MetricsStore.FromSecond(to);
        // The rows and the instant they are complete through are read with no flush in between (see ReadFlushedAsync).
        var (rows, flushedThrough) = await rollups.ReadFlushedAsync(async through =>
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var read = await db.MetricRollups.AsNoTracking()
                .Where(r => r.ModelName == key.Model && r.EnvironmentName == key.Environment && r.Version == key.Version
                    && r.MinuteStart >= fromTime && r.MinuteStart < toTime)
                .ToListAsync(cancellationToken);
            return (read, through);
        }, cancellationToken);
        foreach (var row in rows)
        {
            points[(MetricsStore.ToSecond(row.MinuteStart) - from) / step].Add(row);
        }

        // Rows this process wrote all lie before FlushedThrough; rows at or after it came from an earlier run or another
        // instance, so adding the live seconds from there on counts nothing twice.
        var liveFrom = Math.Max(Math.Max(from, MetricsStore.ToSecond(flushedThrough)), now - MetricsStore.LongestWindowSeconds + 1);
        var liveTo = Math.Min(to - 1, now);
        for (var start = liveFrom; start <= liveTo;)
        {
            var index = (start - from) / step;
            var end = Math.Min(from + ((index + 1) * step) - 1, liveTo);
            points[index].Add(store.Aggregate(key, start, end));
            start = end + 1;
        }

        var result = new MetricPoint[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = points[i].ToPoint(MetricsStore.FromSecond(from + ((long)i * step)));
        }

        return new MetricSeriesResult(key.Environment, key.Model, key.Version, fromTime, toTime, step, result);
    }

    /// <summary>Price per 1k tokens × tokens; null when the version has no prices.</summary>
    public static decimal? Cost(long inputTokens, long outputTokens, VersionMetadata metadata) =>
        metadata.InputPricePer1k is null && metadata.OutputPricePer1k is null
            ? null
            : (inputTokens * (metadata.InputPricePer1k ?? 0m) / 1000m) + (outputTokens * (metadata.OutputPricePer1k ?? 0m) / 1000m);

    private async Task<IReadOnlyList<string>> ResolveEnvironmentsAsync(string? environment, CancellationToken cancellationToken)
    {
        var all = await routes.ListEnvironmentsAsync(cancellationToken);
        if (environment is null)
        {
            return [.. all.Select(e => e.Name)];
        }

        return all.Any(e => e.Name == environment)
            ? [environment]
            : throw new NotFoundException($"Environment '{environment}' does not exist.");
    }

    private static long? ParseTime(ValidationErrors errors, string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed))
        {
            // Bounded so that the default 'from' (an hour before 'to') and every point's time stay valid DateTimes.
            if (parsed < EarliestTime || parsed > LatestTime)
            {
                errors.Add(field, $"'{field}' must be between {EarliestTime:yyyy-MM-dd} and {LatestTime:yyyy-MM-dd} (got '{text}').");
                return null;
            }

            return MetricsStore.ToSecond(parsed);
        }

        errors.Add(field, $"'{field}' must be an ISO-8601 UTC timestamp such as 2025-01-31T12:00:00Z (got '{text}').");
        return null;
    }
}
