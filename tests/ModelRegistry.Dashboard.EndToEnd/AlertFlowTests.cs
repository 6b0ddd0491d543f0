using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using ModelRegistry.Dashboard.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ModelRegistry.Dashboard.EndToEnd;

/// <summary>
/// Telemetry to alert to browser: measured errors fire the default error-rate rule within two seconds, every open
/// page hears about it, and healthy traffic resolves it once the rule's cooldown (shortened here to 2 s) has passed.
/// </summary>
public sealed class AlertFlowTests : EndToEndTest
{
    // Only the traffic this test sends: no demo load generator.
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Demo:Traffic:Enabled"] = "false",
    };

    [Fact]
    public async Task Half_the_requests_failing_fires_the_error_rate_alert_in_every_browser_and_healthy_traffic_resolves_it()
    {
        var ct = TestContext.Current.CancellationToken;
        var alertsPage = await Browser.OpenAsync($"{Server.BaseUrl}/alerts");
        var elsewhere = await Browser.OpenAsync($"{Server.BaseUrl}/models");
        using var http = new HttpClient { BaseAddress = new Uri(Server.BaseUrl) };

        var postedAt = DateTime.UtcNow;
        await PostAsync(http, Events(100, failEvery: 2), ct);

        var firing = alertsPage.GetByTestId("alert-table").First;
        await Expect(firing).ToContainTextAsync("Error rate > 10%", new() { Timeout = 10_000 });
        var fired = (await http.GetFromJsonAsync<AlertPage>("/api/v1/alerts?state=firing&model=support-chat", ct))!.Items
            .Single(a => a.Metric == "errorRate" && a.Version == "1.2.0" && a.Environment == "production");
        Assert.True(fired.FiredAt - postedAt < TimeSpan.FromSeconds(2), $"the alert fired {(fired.FiredAt - postedAt).TotalMilliseconds:0} ms after the events were sent");
        Assert.Equal(50, fired.FiredValue, precision: 1);

        await Expect(firing).ToContainTextAsync("production/support-chat@1.2.0");
        await Expect(elsewhere.Locator(".mud-snackbar").Filter(new() { HasText = "Alert fired" })).ToContainTextAsync("production/support-chat@1.2.0");

        // 50 errors in 600 requests is 8.3%: under the threshold, with enough samples, so the alert resolves after the
        // rule's cooldown, shortened from the default 60 s so the test need not wait a minute.
        await SetErrorRateCooldownAsync(http, seconds: 2, ct);
        await PostAsync(http, Events(500, failEvery: 0), ct);
        await Expect(elsewhere.Locator(".mud-snackbar").Filter(new() { HasText = "Resolved" }))
            .ToContainTextAsync("production/support-chat@1.2.0", new() { Timeout = 10_000 });
        await alertsPage.GetByRole(AriaRole.Tab, new() { Name = "Resolved" }).ClickAsync();
        await Expect(alertsPage.GetByTestId("alert-table").Last).ToContainTextAsync("resolved");
        var resolved = (await http.GetFromJsonAsync<AlertPage>("/api/v1/alerts?state=resolved&model=support-chat", ct))!.Items;
        Assert.Contains(resolved, a => a.Id == fired.Id);
    }

    private static async Task SetErrorRateCooldownAsync(HttpClient http, int seconds, CancellationToken ct)
    {
        var rule = (await http.GetFromJsonAsync<List<RuleRow>>("/api/v1/alert-rules", ct))!.Single(r => r.Metric == "errorRate");
        using var response = await http.PutAsJsonAsync($"/api/v1/alert-rules/{rule.Id}", new
        {
            rule.Name, rule.Metric, rule.Comparator, rule.Threshold, rule.WindowSeconds, rule.MinSamples, rule.Severity, cooldownSeconds = seconds,
        }, ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task PostAsync(HttpClient http, object[] events, CancellationToken ct)
    {
        using var response = await http.PostAsJsonAsync("/api/v1/metrics/events", new { events }, ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    private static object[] Events(int count, int failEvery) =>
        [.. Enumerable.Range(0, count).Select(i => new
        {
            model = "support-chat",
            version = "1.2.0",
            environment = "production",
            latencyMs = 120 + (i % 40),
            success = failEvery == 0 || i % failEvery != 0,
            inputTokens = 300,
            outputTokens = 120,
        })];

    private sealed record RuleRow(int Id, string Name, string Metric, string Comparator, double Threshold, int WindowSeconds, int MinSamples, string Severity);

    private sealed record AlertPage(List<AlertRow> Items);

    private sealed record AlertRow(long Id, string Metric, string Environment, string Version, double FiredValue, DateTime FiredAt);
}
