using ModelRegistry.Dashboard.EndToEnd.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace ModelRegistry.Dashboard.EndToEnd;

/// <summary>The demo as an operator sees it: real requests to the demo backends become live figures on the Metrics page.</summary>
public sealed class MetricsFlowTests : EndToEndTest
{
    protected override IReadOnlyDictionary<string, string> Settings { get; } = new Dictionary<string, string>
    {
        ["Demo:Traffic:RequestsPerSecondPerRoute"] = "10",
    };

    [Fact]
    public async Task The_metrics_page_shows_live_changing_figures_for_every_route_of_a_model()
    {
        var page = await Browser.OpenAsync($"{Server.BaseUrl}/models/embed-search/metrics");

        // embed-search: staging 3.2.0 100%, production 3.1.0 50% / 3.2.0 50% (the demo catalogue).
        var staging = page.GetByTestId("metrics-staging").GetByTestId("metrics-row");
        var production = page.GetByTestId("metrics-production").GetByTestId("metrics-row");
        await Expect(staging).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Expect(production).ToHaveCountAsync(2);
        await Expect(production.First).ToContainTextAsync("50%");

        var requests = production.First.GetByTestId("metric-requests");
        await Expect(requests).Not.ToHaveTextAsync("0", new() { Timeout = 15_000 });
        var first = await requests.TextContentAsync();
        await Expect(requests).Not.ToHaveTextAsync(first!, new() { Timeout = 10_000 });
        await Expect(staging.First.GetByTestId("metric-requests")).Not.ToHaveTextAsync("0");
    }
}
