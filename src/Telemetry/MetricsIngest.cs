using System.Buffers;
using System.Globalization;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Core;

namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>
/// The one way metric events enter the store, for the API, the demo traffic and the gateway alike. A batch is validated
/// whole and then recorded whole, or refused whole with a <see cref="ValidationFailedException"/> whose fields name the
/// event and the field (<c>events[3].latencyMs</c>); nothing of a refused batch is recorded.
/// <para>
/// The store holds at most <see cref="TelemetryOptions.MaxLiveSeries"/> series: a batch with an event for a new series
/// past that cap is refused whole with a <see cref="LiveSeriesLimitException"/> (the API's 429), naming the cap and the
/// first series that did not fit; events of series already held keep landing in other batches.
/// </para>
/// </summary>
public sealed class MetricsIngest(
    MetricsStore store,
    KnownSeriesCatalog catalog,
    MetricsArrivals arrivals,
    TimeProvider clock,
    IOptionsMonitor<TelemetryOptions> options)
{
    public const int MaxEventsPerBatch = 10_000;

    public const double MaxLatencyMs = 600_000;

    /// <summary>Sender clocks may run this far ahead; such events count as now.</summary>
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromMinutes(5);

    /// <summary>The longest live window: an older event could not be counted in any window, so it is refused.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(MetricsStore.LongestWindowSeconds);

    /// <summary>At most this many field errors are reported; the rest are counted under <c>events</c>.</summary>
    private const int MaxReportedErrors = 100;

    private const int MaxErrorTypeLength = 200;

    /// <summary>
    /// Validates and records a posted batch for <paramref name="actor"/> (serving layers post with an Automation API
    /// key; a Viewer may not); returns the number of events recorded.
    /// </summary>
    public ValueTask<int> IngestAsync(Actor actor, IReadOnlyList<MetricEventInput?>? events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(ActorRole.Automation, "post metric events");
        return ValidateAndRecordAsync(events, cancellationToken);
    }

    /// <summary>Validates and records events measured in-process (demo traffic, gateway) by the same rules.</summary>
    public ValueTask<int> RecordAsync(IReadOnlyList<MetricEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var inputs = new MetricEventInput?[events.Count];
        for (var i = 0; i < inputs.Length; i++)
        {
            var e = events[i];
            inputs[i] = new MetricEventInput
            {
                Model = e.Series.Model,
                Version = e.Series.Version,
                Environment = e.Series.Environment,
                Timestamp = e.Timestamp == default ? null : e.Timestamp,
                LatencyMs = e.LatencyMs,
                Success = e.Success,
                InputTokens = e.InputTokens,
                OutputTokens = e.OutputTokens,
                ErrorType = e.ErrorType,
                TimeToFirstTokenMs = e.TimeToFirstTokenMs,
            };
        }

        return ValidateAndRecordAsync(inputs, cancellationToken);
    }

    private async ValueTask<int> ValidateAndRecordAsync(IReadOnlyList<MetricEventInput?>? events, CancellationToken cancellationToken)
    {
        CheckBatchSize(events?.Count);
        var now = clock.GetUtcNow().UtcDateTime;
        var known = await catalog.GetAsync(cancellationToken);
        var buffer = ArrayPool<MetricEvent>.Shared.Rent(events!.Count);
        try
        {
            var result = Validate(events, now, known, buffer);
            if (result.UnknownName)
            {
                // A name the cache does not know may have been registered a moment ago: look again before refusing.
                var refreshed = await catalog.RefreshAfterMissAsync(known, cancellationToken);
                if (!ReferenceEquals(refreshed, known))
                {
                    result = Validate(events, now, refreshed, buffer);
                }
            }

            result.Errors?.ThrowIfAny();
            var limit = options.CurrentValue.MaxLiveSeries;
            var outcome = store.Record(buffer.AsSpan(0, events.Count), limit);
            if (outcome.IsRefused)
            {
                throw new LiveSeriesLimitException(limit, outcome.RefusedSeries, outcome.RefusedIndex);
            }

            arrivals.Notify();
            return outcome.Recorded;
        }
        finally
        {
            ArrayPool<MetricEvent>.Shared.Return(buffer);
        }
    }

    private static void CheckBatchSize(int? count)
    {
        if (count is null)
        {
            throw new ValidationFailedException("events", $"'events' is required: a list of 1 to {MaxEventsPerBatch:N0} metric events.");
        }

        if (count == 0)
        {
            throw new ValidationFailedException("events", "'events' is empty: send at least one metric event.");
        }

        if (count > MaxEventsPerBatch)
        {
            throw new ValidationFailedException(
                "events",
                string.Create(CultureInfo.InvariantCulture, $"'events' holds {count:N0} events; at most {MaxEventsPerBatch:N0} are accepted per request. Split the batch."));
        }
    }

    private static ValidationResult Validate(IReadOnlyList<MetricEventInput?> events, DateTime now, KnownSeriesCatalog.Known known, MetricEvent[] output)
    {
        var report = new ErrorReport();
        var oldest = now - MaxAge;
        var newest = now + MaxFutureSkew;
        var recent = new RecentSeries<SeriesKey>();
        for (var i = 0; i < events.Count; i++)
        {
            var input = events[i];
            if (input is null)
            {
                report.Add(i, null, "An event must be an object with model, version, environment, latencyMs and success.");
                continue;
            }

            var invalidBefore = report.InvalidEvents;
            var namesPresent = true;
            namesPresent &= Required(ref report, i, "model", input.Model);
            namesPresent &= Required(ref report, i, "version", input.Version);
            namesPresent &= Required(ref report, i, "environment", input.Environment);

            var key = default(SeriesKey);
            if (namesPresent)
            {
                key = new SeriesKey(input.Environment!, input.Model!, input.Version!);
                if (recent.TryFind(key, out var seen))
                {
                    key = seen;
                }
                else if (known.TryGet(key, out var canonical))
                {
                    recent.Remember(canonical, canonical);
                    key = canonical;
                }
                else
                {
                    report.UnknownName = true;
                    ReportUnknown(ref report, i, known, key);
                }
            }

            if (input.LatencyMs is not { } latency)
            {
                report.Add(i, "latencyMs", "'latencyMs' is required: the request's latency in milliseconds.");
            }
            else if (!double.IsFinite(latency) || latency < 0 || latency > MaxLatencyMs)
            {
                report.Add(i, "latencyMs", string.Create(CultureInfo.InvariantCulture, $"'latencyMs' must be a number from 0 to {MaxLatencyMs:0} (10 minutes); got {latency}."));
            }

            if (input.Success is null)
            {
                report.Add(i, "success", "'success' is required: true when the request succeeded, false when it failed.");
            }

            if (input.InputTokens is < 0)
            {
                report.Add(i, "inputTokens", "'inputTokens' must be 0 or more.");
            }

            if (input.OutputTokens is < 0)
            {
                report.Add(i, "outputTokens", "'outputTokens' must be 0 or more.");
            }

            if (input.TimeToFirstTokenMs is { } firstToken
                && (!double.IsFinite(firstToken) || firstToken < 0 || (input.LatencyMs is { } total && double.IsFinite(total) && firstToken > total)))
            {
                report.Add(i, "timeToFirstTokenMs", string.Create(CultureInfo.InvariantCulture,
                    $"'timeToFirstTokenMs' must be a number from 0 to the request's 'latencyMs' ({input.LatencyMs}); got {firstToken}."));
            }

            if (input.ErrorType is { Length: > MaxErrorTypeLength })
            {
                report.Add(i, "errorType", $"'errorType' must be at most {MaxErrorTypeLength} characters.");
            }

            var timestamp = now;
            if (input.Timestamp is { } sent)
            {
                timestamp = sent.Kind switch
                {
                    DateTimeKind.Local => sent.ToUniversalTime(),
                    DateTimeKind.Unspecified => DateTime.SpecifyKind(sent, DateTimeKind.Utc),
                    _ => sent,
                };
                if (timestamp > newest)
                {
                    report.Add(i, "timestamp", string.Create(CultureInfo.InvariantCulture,
                        $"'timestamp' {timestamp:O} is more than {MaxFutureSkew.TotalMinutes:0} minutes in the future (now is {now:O}); check the sender's clock."));
                }
                else if (timestamp < oldest)
                {
                    report.Add(i, "timestamp", string.Create(CultureInfo.InvariantCulture,
                        $"'timestamp' {timestamp:O} is older than {MaxAge.TotalMinutes:0} minutes, the longest live window, so it cannot be counted; send events as they happen."));
                }
            }

            if (report.InvalidEvents == invalidBefore)
            {
                output[i] = new MetricEvent(
                    key,
                    timestamp,
                    input.LatencyMs!.Value,
                    input.Success!.Value,
                    input.InputTokens ?? 0,
                    input.OutputTokens ?? 0,
                    input.ErrorType,
                    input.TimeToFirstTokenMs);
            }
        }

        return new ValidationResult(report.ToErrors(), report.UnknownName);
    }

    private static bool Required(ref ErrorReport report, int index, string field, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        report.Add(index, field, $"'{field}' is required.");
        return false;
    }

    private static void ReportUnknown(ref ErrorReport report, int index, KnownSeriesCatalog.Known known, SeriesKey key)
    {
        if (!known.HasEnvironment(key.Environment))
        {
            report.Add(index, "environment", $"Environment '{key.Environment}' does not exist.");
        }

        if (!known.HasModel(key.Model))
        {
            report.Add(index, "model", $"Model '{key.Model}' is not registered.");
        }
        else if (known.HasEnvironment(key.Environment))
        {
            report.Add(index, "version", $"Model '{key.Model}' has no version '{key.Version}'.");
        }
    }

    private readonly record struct ValidationResult(ValidationErrors? Errors, bool UnknownName);

    /// <summary>Field errors named <c>events[i].field</c>, capped so that a batch of 10,000 bad events stays a readable answer.</summary>
    private struct ErrorReport
    {
        private ValidationErrors? _errors;
        private int _reported;
        private int _lastIndex;
        private int _unreported;

        public ErrorReport()
        {
            _lastIndex = -1;
        }

        public int InvalidEvents { get; private set; }

        public bool UnknownName { get; set; }

        public void Add(int index, string? field, string message)
        {
            if (index != _lastIndex)
            {
                _lastIndex = index;
                InvalidEvents++;
            }

            if (_reported >= MaxReportedErrors)
            {
                _unreported++;
                return;
            }

            _errors ??= new ValidationErrors();
            _errors.Add(field is null ? $"events[{index}]" : $"events[{index}].{field}", message);
            _reported++;
        }

        public readonly ValidationErrors? ToErrors()
        {
            if (_errors is not null && _unreported > 0)
            {
                _errors.Add("events", $"{InvalidEvents:N0} events are invalid; only the first {MaxReportedErrors} problems are listed ({_unreported:N0} more).");
            }

            return _errors;
        }
    }
}
