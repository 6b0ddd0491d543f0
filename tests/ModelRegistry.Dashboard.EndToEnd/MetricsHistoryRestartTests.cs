using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using ModelRegistry.Dashboard.EndToEnd.Infrastructure;
using ModelRegistry.Dashboard.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ModelRegistry.Dashboard.EndToEnd;

/// <summary>
/// Issue 10's history line: the app process is killed and started again on the same database; the Metrics page's 1 h
/// range still shows the minutes before the restart (from the persisted rollups, the live feed being empty after a
/// start) and the deployment launched before it, marked on the time axis.
/// </summary>
public sealed class MetricsHistoryRestartTests : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>The demo catalogue (support-chat served in staging by 1.2.0, with 2.0.0 registered), no demo traffic: the test's events are the only ones.</summary>
    private static readonly Dictionary<string, string> Settings = new()
    {
        // Development: the build output (not a publish) serves the static web assets (MudBlazor, apexcharts) in it.
        ["environment"] = "Development",
        ["Demo:Enabled"] = "true",
        ["Demo:Traffic:Enabled"] = "false",
        ["Deployments:TickSeconds"] = "0.25",
        ["Health:TimeoutSeconds"] = "5",
    };

    private static readonly int[] CanarySteps = [10, 100];

    private readonly TestDatabase _database = new();
    private readonly List<AppProcess> _processes = [];
    private Browser? _browser;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        foreach (var app in _processes)
        {
            await app.DisposeAsync();
        }

        _database.Dispose();
    }

    [Fact]
    public async Task After_a_restart_the_hour_range_shows_the_minutes_before_it_with_the_deployment_marked()
    {
        var first = await StartAsync();
        var deployment = await LaunchCanaryAsync(first.Client);
        await SupportChatTraffic.PostAsync(first.Client, "1.2.0", count: 120, failEvery: 0, Ct);
        await SupportChatTraffic.PostAsync(first.Client, "2.0.0", count: 30, failEvery: 0, Ct);
        using (var rollback = await first.Client.PostAsJsonAsync($"/api/v1/deployments/{deployment}/rollback", new { reason = "restart test" }, Ct))
        {
            rollback.EnsureSuccessStatusCode();
        }

        // Killed only once the rollups hold the traffic: what a restart keeps is what was flushed.
        await Poll.UntilAsync(async () => await PersistedRequestsAsync() >= 150, Timeout, _ => "the rollups never held the traffic posted");
        var restartedAt = await first.KillAsync();
        var second = await StartAsync();

        _browser = await Browser.LaunchAsync();
        var page = await _browser.OpenAsync($"{second.Client.BaseAddress!.ToString().TrimEnd('/')}/models/support-chat/metrics?environment=staging&range=1h");
        var chart = page.GetByTestId("metrics-chart-requests");
        await Expect(page.GetByTestId("metrics-resolution")).ToContainTextAsync("one point per 1 min");

        // Points before the restart with requests, read from the chart itself.
        var before = new DateTimeOffset(restartedAt).ToUnixTimeMilliseconds();
        await page.WaitForFunctionAsync(
            "before => { const el = document.querySelector('[data-testid=metrics-chart-requests] .tsc-canvas'); const chart = el && ApexCharts.getChartByID(el.id);" +
            " return !!chart && chart.w.config.series.some(s => s.data.some(([x, y]) => x < before && y > 0)); }",
            before,
            new() { Timeout = (float)Timeout.TotalMilliseconds });

        // The deployment is marked where its traffic first moved, and where it was rolled back.
        await Expect(chart.Locator(".tsc-mark-deploy")).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await Expect(chart.Locator(".tsc-mark-deploy")).ToContainTextAsync("Deploy 2.0.0");
        await Expect(chart.Locator(".tsc-mark-rollback")).ToHaveCountAsync(1);
        await Expect(chart.Locator(".tsc-mark-rollback")).ToContainTextAsync("Rollback 2.0.0");
    }

    private async Task<AppProcess> StartAsync()
    {
        var app = await AppProcess.StartAsync($"app process {_processes.Count + 1}", _database.FilePath, Settings);
        _processes.Add(app);
        return app;
    }

    /// <summary>A canary of support-chat 2.0.0 in staging, waited for until its first traffic shift (the deploy mark).</summary>
    private static async Task<long> LaunchCanaryAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/deployments", new
        {
            model = "support-chat", version = "2.0.0", environment = "staging", strategy = "canary",
            canary = new { steps = CanarySteps, stepSeconds = 600 }, acknowledgeBreakingChange = true, reason = "restart test",
        }, Ct);
        response.EnsureSuccessStatusCode();
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetInt64();
        await Poll.UntilAsync(
            async () =>
            {
                var deployment = await client.GetFromJsonAsync<JsonElement>($"/api/v1/deployments/{id}", Ct);
                return deployment.GetProperty("events").EnumerateArray().Any(e => e.GetProperty("kind").GetString() == "trafficShifted");
            },
            Timeout,
            _ => "the canary never shifted traffic",
            TimeSpan.FromMilliseconds(200));
        return id;
    }

    private async Task<long> PersistedRequestsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_database.FilePath}");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(SUM(Requests), 0) FROM MetricRollups WHERE ModelName = 'support-chat'";
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
