using System.Globalization;
using ModelRegistry.Dashboard.Core;

namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>
/// Aggregates from standalone gateways (<see cref="MetricAggregateBatch"/>): validated whole by the same rules as events
/// (names in the catalogue, timestamps within the live window, the live-series cap), then merged into the store — counts,
/// errors by type, tokens, time to first token and the latency histogram — so the figures of several gateways add up
/// as if every request had been recorded here.
/// </summary>
public sealed partial class MetricsIngest
{
    public const int MaxAggregatesPerBatch = 10_000;

    public async ValueTask<int> IngestAggregatesAsync(Actor actor, MetricAggregateBatch? batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(ActorRole.Automation, "post metric aggregates");
        var inputs = batch?.Aggregates;
        DemandScope(actor, "aggregates", inputs, a => (a.Model, a.Environment));

        if (inputs is not { Count: > 0 and <= MaxAggregatesPerBatch })
        {
            throw new ValidationFailedException("aggregates", string.Create(CultureInfo.InvariantCulture,
                $"'aggregates' must list 1 to {MaxAggregatesPerBatch:N0} per-series aggregates; got {(inputs is null ? "none" : inputs.Count.ToString("N0", CultureInfo.InvariantCulture))}."));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var known = await catalog.GetAsync(cancellationToken);
        var (aggregates, errors, unknownName) = ValidateAggregates(inputs, now, known);
        if (unknownName)
        {
            var refreshed = await catalog.RefreshAfterMissAsync(known, cancellationToken);
            if (!ReferenceEquals(refreshed, known))
            {
                (aggregates, errors, _) = ValidateAggregates(inputs, now, refreshed);
            }
        }

        errors?.ThrowIfAny();
        var limit = options.CurrentValue.MaxLiveSeries;
        var outcome = store.Record(aggregates, limit);
        if (outcome.IsRefused)
        {
            throw new LiveSeriesLimitException(limit, outcome.RefusedSeries, outcome.RefusedIndex);
        }

        arrivals.Notify();
        return outcome.Recorded;
    }

    private static (List<MetricAggregate> Aggregates, ValidationErrors? Errors, bool UnknownName) ValidateAggregates(
        IReadOnlyList<MetricAggregateInput?> inputs, DateTime now, KnownSeriesCatalog.Known known)
    {
        var report = new ErrorReport("aggregates");
        var recent = new RecentSeries<SeriesKey>();
        var valid = new List<MetricAggregate>(inputs.Count);
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            if (input is null)
            {
                report.Add(i, null, "An aggregate must be an object with model, version, environment, requests and latencyHistogram.");
                continue;
            }

            var invalidBefore = report.InvalidEvents;
            var key = Name(ref report, i, input.Model, input.Version, input.Environment, known, recent);
            var timestamp = Timestamp(ref report, i, input.Timestamp, now);
            var requests = input.Requests ?? -1;
            if (requests < 0)
            {
                report.Add(i, "requests", "'requests' is required: how many requests the version answered or failed (0 or more).");
            }

            long countedErrors = 0, rateLimited = 0, clientErrors = 0;
            foreach (var (type, count) in input.ErrorsByType ?? new Dictionary<string, long>())
            {
                if (string.IsNullOrWhiteSpace(type) || type.Length > MaxErrorTypeLength || count < 0)
                {
                    report.Add(i, "errorsByType", $"'errorsByType' maps an error type (1 to {MaxErrorTypeLength} characters) to a count of 0 or more; '{type}' does not.");
                    continue;
                }

                switch (ErrorTypes.Excused(type))
                {
                    case ExcusedKind.RateLimited: rateLimited += count; break;
                    case ExcusedKind.ClientError: clientErrors += count; break;
                    default: countedErrors += count; break;
                }
            }

            if (requests >= 0 && countedErrors > requests)
            {
                report.Add(i, "errorsByType", string.Create(CultureInfo.InvariantCulture,
                    $"'errorsByType' counts {countedErrors} errors held against the version, more than its {requests} 'requests' (rate_limited and client_error are not among them)."));
            }

            long[]? counts = null;
            if (input.LatencyHistogram is { Length: > 0 } histogram)
            {
                counts = MetricHistogramEncoding.Decode(histogram, out var total, out var problem);
                if (counts is null)
                {
                    report.Add(i, "latencyHistogram", $"'latencyHistogram' is not readable: {problem}");
                }
                else if (requests >= 0 && total != requests)
                {
                    report.Add(i, "latencyHistogram", string.Create(CultureInfo.InvariantCulture,
                        $"'latencyHistogram' holds {total} latencies but 'requests' is {requests}: each answered request has one."));
                }
            }
            else if (requests > 0)
            {
                report.Add(i, "latencyHistogram", "'latencyHistogram' is required when 'requests' is above 0: the base64 HdrHistogram (compressed V2) of their latencies in microseconds.");
            }

            var latencySum = Milliseconds(ref report, i, "latencySumMs", input.LatencySumMs, double.MaxValue);
            var maxLatency = Milliseconds(ref report, i, "maxLatencyMs", input.MaxLatencyMs, MaxLatencyMs);
            var firstTokenSum = Milliseconds(ref report, i, "timeToFirstTokenSumMs", input.TimeToFirstTokenSumMs, double.MaxValue);
            var firstTokenMax = Milliseconds(ref report, i, "maxTimeToFirstTokenMs", input.MaxTimeToFirstTokenMs, MaxLatencyMs);
            if (input.InputTokens is < 0)
            {
                report.Add(i, "inputTokens", "'inputTokens' must be 0 or more.");
            }

            if (input.OutputTokens is < 0)
            {
                report.Add(i, "outputTokens", "'outputTokens' must be 0 or more.");
            }

            var streamed = input.StreamedRequests ?? 0;
            if (streamed < 0 || (requests >= 0 && streamed > requests))
            {
                report.Add(i, "streamedRequests", "'streamedRequests' must be from 0 to 'requests'.");
            }

            if (report.InvalidEvents == invalidBefore)
            {
                var figures = new BucketFigures(
                    requests,
                    countedErrors,
                    Micros(latencySum),
                    Micros(maxLatency),
                    input.InputTokens ?? 0,
                    input.OutputTokens ?? 0,
                    rateLimited,
                    clientErrors)
                {
                    FirstToken = new FirstTokenFigures(streamed, Micros(firstTokenSum), Micros(firstTokenMax)),
                };
                valid.Add(new MetricAggregate(key, timestamp, figures, counts ?? new long[LatencyScale.CountsLength]));
            }
        }

        return (valid, report.ToErrors(), report.UnknownName);
    }

    /// <summary>An optional duration in milliseconds (0 when absent); a negative, non-finite or too large one is reported.</summary>
    private static double Milliseconds(ref ErrorReport report, int index, string field, double? value, double max)
    {
        if (value is not { } ms)
        {
            return 0;
        }

        if (!double.IsFinite(ms) || ms < 0 || ms > max)
        {
            report.Add(index, field, string.Create(CultureInfo.InvariantCulture,
                $"'{field}' must be a number of milliseconds from 0{(max < double.MaxValue ? $" to {max:0}" : "")}; got {ms}."));
            return 0;
        }

        return ms;
    }

    private static long Micros(double milliseconds) => (long)Math.Round(milliseconds * 1000);
}
