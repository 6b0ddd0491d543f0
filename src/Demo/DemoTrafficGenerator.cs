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

/// <summary>One route the load generator sends traffic to.</summary>
public sealed record TrafficRoute(string Environment, string Model);

/// <summary>
/// The demo's load: for every route whose versions are all demo backends, <c>Demo:Traffic:RequestsPerSecondPerRoute</c>
/// real OpenAI-shaped chat completions sent through this app's own gateway (<see cref="DemoGatewayClient"/>), each from
/// one of <c>Demo:Traffic:Users</c> simulated users (its <c>X-Session-Id</c>, so stickiness is exercised). The gateway
/// picks each request's version from the live route and records what it measured, exactly as for any other caller: the
/// generator neither chooses versions nor records anything. Routes are reloaded on every route change and every few
/// seconds. Requests in flight are bounded (excess is skipped, never queued); no failure stops the loop; shutdown
/// cancels what is in flight and waits for it.
/// </summary>
internal sealed partial class DemoTrafficGenerator(
    WorkerHost host,
    IOptions<DemoOptions> demo,
    IOptionsMonitor<DemoTrafficOptions> options,
    RouteService routes,
    VersionService versions,
    IChangeNotifier notifier,
    DemoGatewayClient client,
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
    private bool _announced;

    public override string Name => "demo-traffic";

    protected override TimeSpan Interval => TimeSpan.FromMilliseconds(100);

    protected override bool Enabled => demo.Value.Enabled && options.CurrentValue.Enabled;

    /// <summary>Stop with the server, not after it: requests to its gateway would fail while it drains.</summary>
    protected override bool StopsWithServer => true;

    protected override async Task RunOnceAsync(CancellationToken stoppingToken)
    {
        var clock = Host.Clock;
        if (!_announced)
        {
            _announced = true;
            LogStarted(logger, options.CurrentValue.RequestsPerSecondPerRoute, options.CurrentValue.Users);
        }

        try
        {
            if (addresses.AppBaseUrl is not { } app)
            {
                return; // not listening yet, or an in-memory test server: there is no gateway address to call
            }

            var settings = options.CurrentValue;
            while (_changes.Reader.TryRead(out var change))
            {
                _reloadDue |= change.Kind is ChangeKind.RouteChanged or ChangeKind.VersionRegistered;
            }

            if (_reloadDue || clock.GetElapsedTime(_lastReload) >= TimeSpan.FromSeconds(settings.RouteRefreshSeconds))
            {
                _reloadDue = false;
                _lastReload = clock.GetTimestamp();
                _current = await LoadRoutesAsync(settings, stoppingToken);
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
                    Launch(app, route, _random, settings, stoppingToken);
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

    private void Launch(string app, TrafficRoute route, Random random, DemoTrafficOptions settings, CancellationToken stoppingToken)
    {
        if (_inFlight.Count >= settings.MaxConcurrentRequests)
        {
            return; // at capacity: this request is skipped
        }

        var session = $"{route.Model}-user-{random.Next(settings.Users):D4}";
        var request = new ChatCompletionRequest(route.Model,
        [
            new ChatMessage("system", $"You are {route.Model}, answering for the {route.Environment} environment."),
            new ChatMessage("user", Questions[random.Next(Questions.Length)]),
        ]);
        _inFlight.Add(SendAsync(app, route, session, request, stoppingToken));
    }

    private async Task SendAsync(string app, TrafficRoute route, string session, ChatCompletionRequest request, CancellationToken stoppingToken)
    {
        await Task.Yield();
        try
        {
            var answer = await client.SendAsync(app, route.Environment, session, request, stoppingToken);
            if (answer.Version is null)
            {
                // Refused before any version was chosen (e.g. the route was removed a moment ago): nothing was measured.
                LogNotForwarded(logger, route.Environment, route.Model, answer.Status);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: a request cut short is not worth a word.
        }
#pragma warning disable CA1031 // A failing request must not surface as an unobserved task exception.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogRequestFailed(logger, route.Environment, route.Model, e);
        }
    }

    /// <summary>
    /// The routes to send traffic to. With <c>Demo:Traffic:DemoBackendsOnly</c> (the default) a route qualifies only when
    /// every version it sends traffic to is a demo backend: the gateway, not the generator, picks the version, so a route
    /// that could forward to a real model endpoint someone registered gets no synthetic traffic at all.
    /// </summary>
    private async Task<IReadOnlyList<TrafficRoute>> LoadRoutesAsync(DemoTrafficOptions settings, CancellationToken cancellationToken)
    {
        var loaded = new List<TrafficRoute>();
        foreach (var route in await routes.ListAsync(cancellationToken: cancellationToken))
        {
            var live = route.Splits.Where(s => s.Weight > 0).ToList();
            var qualifies = live.Count > 0;
            foreach (var split in live)
            {
                if (!_endpoints.ContainsKey((route.Model, split.Version)))
                {
                    // Endpoints never change after registration: one lookup per model fills the cache for all its versions.
                    foreach (var version in await versions.ListAsync(route.Model, cancellationToken))
                    {
                        _endpoints[(route.Model, version.Version)] = version.Endpoint;
                    }
                }

                qualifies &= !settings.DemoBackendsOnly
                    || (_endpoints.TryGetValue((route.Model, split.Version), out var endpoint) && addresses.DemoBackendUrl(endpoint) is not null);
            }

            if (qualifies)
            {
                loaded.Add(new TrafficRoute(route.Environment, route.Model));
            }
        }

        return loaded;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Demo traffic started: {Rate} requests/s per route through the gateway, from {Users} simulated users.")]
    private static partial void LogStarted(ILogger logger, double rate, int users);

    [LoggerMessage(Level = LogLevel.Debug, Message = "The gateway answered a demo request for {Environment}/{Model} with {Status} without choosing a version.")]
    private static partial void LogNotForwarded(ILogger logger, string environment, string model, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A demo request to the gateway for {Environment}/{Model} failed.")]
    private static partial void LogRequestFailed(ILogger logger, string environment, string model, Exception exception);
}
