using ModelRegistry.Dashboard.Core.Fanout;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Core.Workers;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Demo;

/// <summary>One version of a route, with its share and where it is served.</summary>
public sealed record TrafficSplit(string Version, int Weight, string Endpoint);

/// <summary>One route as the load generator sees it.</summary>
public sealed record TrafficRoute(string Environment, string Model, IReadOnlyList<TrafficSplit> Splits);

/// <summary>
/// The demo's load: for every route, <c>Demo:Traffic:RequestsPerSecondPerRoute</c> real HTTP chat completions, each to a
/// version chosen by the route's weights, measured and handed to <see cref="IDemoTrafficSink"/>. Routes are reloaded on
/// every route change and every few seconds. Requests in flight are bounded (excess is skipped, never queued); no failure
/// stops the loop; shutdown cancels what is in flight and waits for it.
/// </summary>
internal sealed partial class DemoTrafficGenerator(
    WorkerHost host,
    IOptions<DemoOptions> demo,
    IOptionsMonitor<DemoTrafficOptions> options,
    RouteService routes,
    VersionService versions,
    IChangeNotifier notifier,
    DemoChatClient client,
    IDemoTrafficSink sink,
    DemoBackendAddress addresses,
    ILogger<DemoTrafficGenerator> logger) : SupervisedWorker(host)
{
    private static readonly string[] Questions =
    [
        "Where is my order #48213?",
        "Summarise the attached contract in three bullet points.",
        "How do I reset my password?",
        "Write a unit test for a function that parses semantic versions.",
        "Which plan includes priority support?",
        "Translate 'the parcel is delayed' into German.",
    ];

    private readonly Dictionary<(string Model, string Version), string> _endpoints = [];
    private readonly HashSet<Task> _inFlight = [];
    private readonly Dictionary<(string Environment, string Model), double> _credit = [];
    private readonly Subscription<Change> _changes = notifier.Subscribe();
    private readonly Random _random = new(options.CurrentValue.Seed);
    private IReadOnlyList<TrafficRoute> _current = [];
    private bool _reloadDue = true;
    private long _lastReload;
    private long? _lastTick;

    public override string Name => "demo-traffic";

    protected override TimeSpan Interval => TimeSpan.FromMilliseconds(100);

    protected override bool Enabled => demo.Value.Enabled && options.CurrentValue.Enabled;

    /// <summary>Stop with the server, not after it: requests to the demo backends would fail while it drains.</summary>
    protected override bool StopsWithServer => true;

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        var clock = Host.Clock;
        if (_lastTick is null)
        {
            LogStarted(logger, options.CurrentValue.RequestsPerSecondPerRoute);
        }

        try
        {
            var settings = options.CurrentValue;
            while (_changes.Reader.TryRead(out var change))
            {
                _reloadDue |= change.Kind is ChangeKind.RouteChanged or ChangeKind.VersionRegistered;
            }

            if (_reloadDue || clock.GetElapsedTime(_lastReload) >= TimeSpan.FromSeconds(settings.RouteRefreshSeconds))
            {
                _reloadDue = false;
                _lastReload = clock.GetTimestamp();
                _current = await LoadRoutesAsync(stoppingToken);
            }

            var now = clock.GetTimestamp();
            var elapsed = _lastTick is { } last ? clock.GetElapsedTime(last, now).TotalSeconds : Interval.TotalSeconds;
            _lastTick = now;
            _inFlight.RemoveWhere(t => t.IsCompleted);
            foreach (var route in _current)
            {
                // Credit accrues at the configured rate; capped so a stall is not followed by a burst.
                var key = (route.Environment, route.Model);
                var credit = Math.Min(_credit.GetValueOrDefault(key) + (settings.RequestsPerSecondPerRoute * elapsed), settings.RequestsPerSecondPerRoute + 1);
                for (; credit >= 1; credit--)
                {
                    Launch(route, _random, settings, stoppingToken);
                }

                _credit[key] = credit;
            }
        }
        catch (Exception) when (!stoppingToken.IsCancellationRequested)
        {
            _reloadDue = true; // e.g. the database briefly locked: read the routes again on the next run
            throw;
        }
    }

    protected override Task StoppedAsync() => Task.WhenAll(_inFlight);

    public override void Dispose()
    {
        _changes.Dispose();
        base.Dispose();
    }

    private void Launch(TrafficRoute route, Random random, DemoTrafficOptions settings, CancellationToken stoppingToken)
    {
        if (_inFlight.Count >= settings.MaxConcurrentRequests)
        {
            return; // at capacity: this request is skipped
        }

        var split = WeightedVersionPicker.Pick(route.Splits, s => s.Weight, random);
        var url = settings.DemoBackendsOnly ? addresses.DemoBackendUrl(split.Endpoint) : addresses.Resolve(split.Endpoint);
        if (url is null)
        {
            return; // not a demo backend (Demo:Traffic:DemoBackendsOnly)
        }

        var request = new ChatCompletionRequest(route.Model,
        [
            new ChatMessage("system", $"You are {route.Model}, answering for the {route.Environment} environment."),
            new ChatMessage("user", Questions[random.Next(Questions.Length)]),
        ]);
        _inFlight.Add(SendAsync(new SeriesKey(route.Environment, route.Model, split.Version), url, request, stoppingToken));
    }

    private async Task SendAsync(SeriesKey series, string endpoint, ChatCompletionRequest request, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            var measured = await client.SendAsync(series, endpoint, request, stoppingToken);
            sink.Record(measured);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: a request cut short is not a measurement.
        }
#pragma warning disable CA1031 // A failing sink or request must not surface as an unobserved task exception.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogRequestFailed(logger, series.ToString(), e);
        }
    }

    private async Task<IReadOnlyList<TrafficRoute>> LoadRoutesAsync(CancellationToken cancellationToken)
    {
        var loaded = new List<TrafficRoute>();
        foreach (var route in await routes.ListAsync(cancellationToken: cancellationToken))
        {
            var splits = new List<TrafficSplit>();
            foreach (var split in route.Splits.Where(s => s.Weight > 0))
            {
                if (!_endpoints.ContainsKey((route.Model, split.Version)))
                {
                    // Endpoints never change after registration: one lookup per model fills the cache for all its versions.
                    foreach (var version in await versions.ListAsync(route.Model, cancellationToken))
                    {
                        _endpoints[(route.Model, version.Version)] = version.Endpoint;
                    }
                }

                if (_endpoints.TryGetValue((route.Model, split.Version), out var endpoint))
                {
                    splits.Add(new TrafficSplit(split.Version, split.Weight, endpoint));
                }
            }

            if (splits.Count > 0)
            {
                loaded.Add(new TrafficRoute(route.Environment, route.Model, splits));
            }
        }

        return loaded;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo traffic started: {Rate} requests/s per route.")]
    private static partial void LogStarted(ILogger logger, double rate);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A demo request for {Series} could not be measured.")]
    private static partial void LogRequestFailed(ILogger logger, string series, Exception exception);
}
