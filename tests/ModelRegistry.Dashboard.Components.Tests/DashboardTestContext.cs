using ModelRegistry.Dashboard.Access;
using AngleSharp.Dom;
using Bunit;
using Bunit.Rendering;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Alerts;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Health;
using ModelRegistry.Dashboard.Hosting;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Telemetry;
using MudBlazor;
using MudBlazor.Services;

namespace ModelRegistry.Dashboard.Components.Tests;

/// <summary>
/// bUnit with MudBlazor set up for tests, over the real registry engine on a SQLite file of its own (migrated before
/// each test, deleted after), with the live metrics store and the alert engine; background loops (health probes,
/// rollups, alert evaluation, the deployment orchestrator) are not started — a test records probes and traffic, runs an
/// alert round and ticks the orchestrator itself.
/// The circuit's user is <see cref="OperatorName"/> with the Admin role.
/// </summary>
public abstract class DashboardTestContext : BunitContext, IAsyncLifetime
{
    public const string OperatorName = "test-operator";

    /// <summary>The actor that seeds data straight through the engine, as another user or a pipeline would.</summary>
    protected static readonly Actor Seeder = new("seed", ActorRole.Admin);

    private readonly string _databasePath;
    private string? _connectionString;

    protected DashboardTestContext()
    {
        // The engine runs on a real database and the live loop on real timers: give them more than bUnit's 1 s.
        DefaultWaitTimeout = TimeSpan.FromSeconds(10);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(options =>
        {
            options.PopoverOptions.CheckForPopoverProvider = false;
            options.PopoverOptions.Duration = TimeSpan.Zero;
            options.SnackbarConfiguration.ShowTransitionDuration = 0;
            options.SnackbarConfiguration.HideTransitionDuration = 0;
        });

        var folder = Path.Combine(AppContext.BaseDirectory, "test-dbs");
        Directory.CreateDirectory(folder);
        _databasePath = Path.Combine(folder, $"{GetType().Name}-{Guid.NewGuid():N}.db");
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"ConnectionStrings:{PersistenceRegistration.ConnectionStringName}"] = new SqliteConnectionStringBuilder { DataSource = _databasePath }.ToString(),
            })
            .Build();

        // The app's own registrations, without their hosted services: no migration at start (InitializeAsync migrates),
        // no probing, rollup, alert or orchestrator loop — a test records probes and traffic, runs an alert round and
        // ticks the orchestrator itself. Only the clock, the host's lifetime and the probes' HTTP are the test's.
        Services.AddSingleton(Clock);
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddSingleton<Microsoft.Extensions.Hosting.IHostApplicationLifetime, Microsoft.Extensions.Hosting.Internal.ApplicationLifetime>();
        Services.AddRegistryPersistence(configuration, AppContext.BaseDirectory);
        Services.AddRegistryEngine();
        Services.AddTelemetry(configuration);
        Services.AddAlerts(configuration);
        Services.AddDeployments(configuration);
        Services.AddHealthProbes(configuration);
        Services.AddAccess();
        Services.AddScoped<CurrentActor>();
        // A deployment's health check probes through HealthyEndpoints, where every version answers 200.
        Services.AddSingleton<IHttpClientFactory, HealthyEndpoints>();

        Authorization = AddAuthorization();
        Authorization.SetAuthorized(OperatorName);
        Authorization.SetRoles(nameof(ActorRole.Admin));
    }

    /// <summary>The circuit's user; a test may lower its role.</summary>
    protected BunitAuthorizationContext Authorization { get; }

    protected TestClock Clock { get; } = new();

    /// <summary>Cancelled when the test is aborted (xunit v3).</summary>
    protected static CancellationToken Cancellation => Xunit.TestContext.Current.CancellationToken;

    protected ModelService Models => Services.GetRequiredService<ModelService>();

    protected VersionService Versions => Services.GetRequiredService<VersionService>();

    protected RouteService Routes => Services.GetRequiredService<RouteService>();

    protected HealthRegistry Health => Services.GetRequiredService<HealthRegistry>();

    protected AlertService Alerts => Services.GetRequiredService<AlertService>();

    protected AlertRuleService AlertRules => Services.GetRequiredService<AlertRuleService>();

    protected IChangeNotifier Notifier => Services.GetRequiredService<IChangeNotifier>();

    protected DeploymentService Deployments => Services.GetRequiredService<DeploymentService>();

    public async ValueTask InitializeAsync()
    {
        var factory = Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>();
        await using var db = await factory.CreateDbContextAsync(Cancellation);
        _connectionString = db.Database.GetConnectionString();
        await db.Database.MigrateAsync(Cancellation);
    }

    protected override async ValueTask DisposeAsyncCore()
    {
        try
        {
            await base.DisposeAsyncCore();
        }
        finally
        {
            // The app pools its SQLite connections: let go of this file's so that it can be deleted.
            if (_connectionString is not null)
            {
                using var pooled = new SqliteConnection(_connectionString);
                SqliteConnection.ClearPool(pooled);
            }

            foreach (var suffix in new[] { "", "-wal", "-shm" })
            {
                File.Delete(_databasePath + suffix);
            }
        }
    }

    /// <summary>Renders the popover and dialog providers (where dialog markup appears), then <paramref name="page"/> if given.</summary>
    protected IRenderedComponent<ContainerFragment> RenderWithProviders(RenderFragment? page = null) => Render(builder =>
    {
        builder.OpenComponent<MudPopoverProvider>(0);
        builder.CloseComponent();
        builder.OpenComponent<MudDialogProvider>(1);
        builder.CloseComponent();
        builder.AddContent(2, page);
    });

    /// <summary>Renders the snackbar provider (where snackbars appear), then <paramref name="content"/>.</summary>
    protected IRenderedComponent<ContainerFragment> RenderWithSnackbar(RenderFragment content) => Render(builder =>
    {
        builder.OpenComponent<MudSnackbarProvider>(0);
        builder.CloseComponent();
        builder.AddContent(1, content);
    });

    protected static RenderFragment Page<TComponent>(Action<RenderTreeBuilder>? parameters = null)
        where TComponent : IComponent => builder =>
    {
        builder.OpenComponent<TComponent>(0);
        parameters?.Invoke(builder);
        builder.CloseComponent();
    };

    protected Task<ModelSummary> SeedModelAsync(string name, string? displayName = null, string? description = null) =>
        Models.RegisterAsync(Seeder, new RegisterModelRequest(name, displayName, description), Cancellation);

    protected Task<VersionInfo> SeedVersionAsync(string model, string version, string? changelog = null, Actor? actor = null) =>
        Versions.RegisterAsync(
            actor ?? Seeder,
            model,
            new RegisterVersionRequest(version, $"https://models.internal/{model}/{version}/", Changelog: changelog),
            Cancellation);

    /// <summary>Registers <paramref name="model"/> at <paramref name="version"/> and routes all of an environment's traffic to it.</summary>
    protected async Task SeedServedVersionAsync(string environment, string model, string version)
    {
        await SeedModelAsync(model);
        await SeedVersionAsync(model, version);
        await Routes.SetSplitsAsync(Seeder, environment, model, [new SplitInfo(version, 100)], expectedRevision: 0, reason: "test", Cancellation);
    }

    /// <summary>Records <paramref name="requests"/> requests of one series through the ingest, every <paramref name="failEvery"/>-th failing.</summary>
    protected async Task RecordTrafficAsync(string environment, string model, string version, int requests, int failEvery = 0, double latencyMs = 100)
    {
        var series = new SeriesKey(environment, model, version);
        var events = Enumerable.Range(1, requests)
            .Select(i => new MetricEvent(series, default, latencyMs, Success: failEvery == 0 || i % failEvery != 0, InputTokens: 10, OutputTokens: 20))
            .ToList();
        Assert.Equal(requests, await Services.GetRequiredService<MetricsIngest>().RecordAsync(events, Cancellation));
    }

    /// <summary>One pass of the deployment orchestrator over every active deployment, as its timer would run it.</summary>
    protected Task TickDeploymentsAsync() => Services.GetRequiredService<DeploymentOrchestrator>().TickOnceAsync(Cancellation);

    /// <summary>
    /// Serves <paramref name="model"/> 1.0.0 in staging and launches a canary of 1.1.0 through the engine, ticked until it
    /// has passed its health check and sends its first step (10%) of traffic to 1.1.0.
    /// </summary>
    protected async Task<DeploymentInfo> StartCanaryAsync(string model = "support-chat")
    {
        await SeedServedVersionAsync("staging", model, "1.0.0");
        await SeedVersionAsync(model, "1.1.0");
        var created = await Deployments.CreateAsync(Seeder, new CreateDeploymentRequest(model, "1.1.0", "staging", "canary"), Cancellation);
        await TickDeploymentsAsync();
        await TickDeploymentsAsync();
        var progressing = await Deployments.GetAsync(created.Id, Cancellation);
        Assert.Equal((DeploymentStatus.Progressing, 10), (progressing.Status, progressing.TrafficPercent));
        return progressing;
    }

    /// <summary>The two rules every installation starts with (DESIGN.md §2), as the app seeds them.</summary>
    protected Task SeedDefaultAlertRulesAsync() =>
        ActivatorUtilities.CreateInstance<DefaultAlertRulesSeeder>(Services).SeedAsync(Cancellation);

    /// <summary>One round of the alert evaluator, as its timer would run it.</summary>
    protected Task EvaluateAlertsAsync() => Services.GetRequiredService<AlertEvaluator>().EvaluateOnceAsync(Cancellation);

    /// <summary>
    /// Serves <paramref name="model"/> 1.0.0 in staging, records 100 requests of which half fail and runs the evaluator
    /// once, so that the default error-rate rule (seed it first) fires for real.
    /// </summary>
    protected async Task<AlertInfo> FireErrorRateAlertAsync(string model = "support-chat")
    {
        await SeedServedVersionAsync("staging", model, "1.0.0");
        await RecordTrafficAsync("staging", model, "1.0.0", requests: 100, failEvery: 2);
        await EvaluateAlertsAsync();
        return Assert.Single((await Alerts.ListAsync(AlertState.Firing, model, cancellationToken: Cancellation)).Items);
    }

    protected async Task<int> CountModelsAsync() =>
        (await Models.SearchAsync(new ModelQuery(), Cancellation)).Total;

    /// <summary>
    /// The input (or textarea) of a MudBlazor field: MudBlazor 9 puts the field's <c>data-testid</c> on the input itself,
    /// older versions on the root; either is accepted.
    /// </summary>
    protected static IElement InputOf<TComponent>(IRenderedComponent<TComponent> cut, string testId)
        where TComponent : IComponent
    {
        var element = cut.Find($"[data-testid={testId}]");
        return element.LocalName is "input" or "textarea"
            ? element
            : element.QuerySelector("input, textarea") ?? throw new InvalidOperationException($"[data-testid={testId}] holds no input.");
    }

    /// <summary>What the reader sees of a field: label, helper or error text (the field's whole input control).</summary>
    protected static string FieldText<TComponent>(IRenderedComponent<TComponent> cut, string testId)
        where TComponent : IComponent =>
        Normalize(InputOf(cut, testId).Closest(".mud-input-control")!.TextContent);

    /// <summary>Whether a field is drawn in its error state.</summary>
    protected static bool FieldHasError<TComponent>(IRenderedComponent<TComponent> cut, string testId)
        where TComponent : IComponent =>
        InputOf(cut, testId).Closest(".mud-input-control")!.QuerySelector(".mud-input-error") is not null;

    /// <summary>Text with runs of whitespace collapsed, as a reader sees it.</summary>
    protected static string Normalize(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Every endpoint answers its health probe with 200, so a deployment's health check passes at once.</summary>
    private sealed class HealthyEndpoints : HttpMessageHandler, IHttpClientFactory
    {
        public HttpClient CreateClient(string name) => new(this, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
    }
}
