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
public sealed partial class MetricsIngest(
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
        DemandScope(actor, "events", events, e => (e.Model, e.Environment));
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

    /// <summary>A scoped key's batch must stay inside its scope: the first item outside refuses the whole batch (403).</summary>
    private static void DemandScope<T>(Actor actor, string list, IReadOnlyList<T?>? items, Func<T, (string? Model, string? Environment)> names)
        where T : class
    {
        for (var i = 0; actor.Scope is { } scope && i < (items?.Count ?? 0); i++)
        {
            if (items![i] is { } item && names(item) is var (model, environment) && scope.Refusal(model, environment) is { } refusal)
            {
                throw new ForbiddenException($"{actor.Name} may not post {list}[{i}] ({environment}/{model}): {refusal} Nothing of the batch was recorded.");
            }
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
        var report = new ErrorReport("events");
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
            var key = Name(ref report, i, input.Model, input.Version, input.Environment, known, recent);

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

            var timestamp = Timestamp(ref report, i, input.Timestamp, now);

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

    /// <summary>The sent timestamp in UTC (now when none was sent); one too far in the future or past is reported.</summary>
    private static DateTime Timestamp(ref ErrorReport report, int index, DateTime? sent, DateTime now)
    {
        if (sent is not { } value)
        {
            return now;
        }

        var timestamp = value.Kind switch
        {
            DateTimeKind.Local => value.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
            _ => value,
        };
        if (timestamp > now + MaxFutureSkew)
        {
            report.Add(index, "timestamp", string.Create(CultureInfo.InvariantCulture,
                $"'timestamp' {timestamp:O} is more than {MaxFutureSkew.TotalMinutes:0} minutes in the future (now is {now:O}); check the sender's clock."));
        }
        else if (timestamp < now - MaxAge)
        {
            report.Add(index, "timestamp", string.Create(CultureInfo.InvariantCulture,
                $"'timestamp' {timestamp:O} is older than {MaxAge.TotalMinutes:0} minutes, the longest live window, so it cannot be counted; send events as they happen."));
        }

        return timestamp;
    }

    /// <summary>The series the names give, in the catalogue's own strings; the missing or unknown names are reported.</summary>
    private static SeriesKey Name(
        ref ErrorReport report, int index, string? model, string? version, string? environment, KnownSeriesCatalog.Known known, RecentSeries<SeriesKey> recent)
    {
        var namesPresent = true;
        namesPresent &= Required(ref report, index, "model", model);
        namesPresent &= Required(ref report, index, "version", version);
        namesPresent &= Required(ref report, index, "environment", environment);
        if (!namesPresent)
        {
            return default;
        }

        var key = new SeriesKey(environment!, model!, version!);
        if (recent.TryFind(key, out var seen))
        {
            return seen;
        }

        if (known.TryGet(key, out var canonical))
        {
            recent.Remember(canonical, canonical);
            return canonical;
        }

        report.UnknownName = true;
        ReportUnknown(ref report, index, known, key);
        return key;
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
        private readonly string _list;
        private ValidationErrors? _errors;
        private int _reported;
        private int _lastIndex;
        private int _unreported;

        /// <param name="list">The body's list the indexes are into: <c>events</c> or <c>aggregates</c>.</param>
        public ErrorReport(string list)
        {
            _list = list;
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
            _errors.Add(field is null ? $"{_list}[{index}]" : $"{_list}[{index}].{field}", message);
            _reported++;
        }

        public readonly ValidationErrors? ToErrors()
        {
            if (_errors is not null && _unreported > 0)
            {
                _errors.Add(_list, $"{InvalidEvents:N0} {_list} are invalid; only the first {MaxReportedErrors} problems are listed ({_unreported:N0} more).");
            }

            return _errors;
        }
    }
}
