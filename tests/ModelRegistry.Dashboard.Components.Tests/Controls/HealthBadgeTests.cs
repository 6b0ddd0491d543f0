using AngleSharp.Dom;
using Bunit;
using Bunit.Rendering;
using Microsoft.AspNetCore.Components.Web;
using ModelRegistry.Dashboard.Components.Controls;
using ModelRegistry.Dashboard.Health;
using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Components.Tests.Controls;

public sealed class HealthBadgeTests : DashboardTestContext
{
    private const string Model = "support-chat";
    private const string Endpoint = "https://models.internal/support-chat/";

    [Fact]
    public void A_version_never_probed_is_unknown()
    {
        var host = RenderBadge("1.0.0");

        var badge = host.Find("[data-testid=health-badge]");
        Assert.Equal("unknown", badge.GetAttribute("data-status"));
        Assert.Equal("unknown", Normalize(badge.TextContent));
        Assert.Equal("Not probed yet.", TooltipText(host));
    }

    [Fact]
    public void A_failing_probe_recorded_after_render_turns_the_badge_unhealthy_live_with_the_reason_on_hover()
    {
        var host = RenderBadge("1.0.0");
        Assert.Equal("unknown", host.Find("[data-testid=health-badge]").GetAttribute("data-status"));

        Health.Record(Model, "1.0.0", Endpoint, Failed("timed out after 2 s"));

        host.WaitForAssertion(() =>
        {
            var badge = host.Find("[data-testid=health-badge]");
            Assert.Equal("unhealthy", badge.GetAttribute("data-status"));
            Assert.Equal("unhealthy · probes", Normalize(badge.TextContent));
        });
        Assert.Equal("The probe failed: timed out after 2 s.", TooltipText(host));
    }

    [Fact]
    public void Without_a_version_the_badge_shows_the_worst_of_the_models_probed_versions()
    {
        Health.Record(Model, "1.0.0", Endpoint, Succeeded());
        Health.Record(Model, "1.1.0", Endpoint, Failed("connection refused"));
        Health.Record(Model, "1.1.0", Endpoint, Succeeded());
        Health.Record("other-model", "1.0.0", Endpoint, Failed("connection refused"));

        var host = RenderBadge(version: null);

        var badge = host.Find("[data-testid=health-badge]");
        Assert.Equal("degraded", badge.GetAttribute("data-status"));
        Assert.Equal("1.1.0: Answering again, but 1 of the last 2 probes failed (last failure: connection refused).", TooltipText(host));

        Health.Record(Model, "1.0.0", Endpoint, Failed("HTTP 500"));

        host.WaitForAssertion(() => Assert.Equal("unhealthy", host.Find("[data-testid=health-badge]").GetAttribute("data-status")));
        Assert.Equal("1.0.0: 1 of the last 2 probes failed: HTTP 500.", TooltipText(host));
    }

    [Fact]
    public void Without_a_version_and_no_probes_the_badge_is_unknown_and_says_why()
    {
        Health.Record("other-model", "1.0.0", Endpoint, Failed("connection refused"));

        var host = RenderBadge(version: null);

        Assert.Equal("unknown", host.Find("[data-testid=health-badge]").GetAttribute("data-status"));
        Assert.Equal("No serving version has been probed yet.", TooltipText(host));
    }

    [Fact]
    public async Task Half_the_live_requests_failing_with_passing_probes_reads_unhealthy_and_names_the_live_error_rate()
    {
        var host = await RenderServedAsync(Succeeded(), requests: 120, failEvery: 2);

        var badge = host.Find("[data-testid=health-badge]");
        Assert.Equal("unhealthy", badge.GetAttribute("data-status"));
        Assert.Equal("liveErrorRate", badge.GetAttribute("data-failing"));
        Assert.Equal("unhealthy · live error rate", Normalize(badge.TextContent));
        Assert.Equal("Live error rate 50% over the last 60 s (120 requests) is above the 10% limit for staging; probes pass.", TooltipText(host));
    }

    [Fact]
    public async Task Slow_live_answers_read_degraded_and_name_the_live_latency()
    {
        var host = await RenderServedAsync(Succeeded(), requests: 40, latencyMs: 2500);

        Assert.Equal("degraded · live latency", Normalize(host.Find("[data-testid=health-badge]").TextContent));
        Assert.StartsWith("Live average latency 2500 ms over the last 60 s (40 requests) is above the 2000 ms limit for staging", TooltipText(host), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failing_probes_are_named_as_the_failing_part()
    {
        var host = await RenderServedAsync(Failed("HTTP 500"), requests: 40);

        var badge = host.Find("[data-testid=health-badge]");
        Assert.Equal(("unhealthy · probes", "probes"), (Normalize(badge.TextContent), badge.GetAttribute("data-failing")));
    }

    [Fact]
    public async Task Errors_arriving_after_render_turn_the_badge_unhealthy_without_any_probe_change()
    {
        await SeedServedVersionAsync("staging", Model, "2.0.0");
        Health.Record(Model, "2.0.0", Endpoint, Succeeded());
        var host = RenderBadge("2.0.0", environment: "staging");
        Assert.Equal("healthy", host.Find("[data-testid=health-badge]").GetAttribute("data-status"));

        await RecordTrafficAsync("staging", Model, "2.0.0", requests: 60, failEvery: 2);

        host.WaitForAssertion(() => Assert.Equal("unhealthy", host.Find("[data-testid=health-badge]").GetAttribute("data-status")));
    }

    [Fact]
    public async Task Given_a_routes_splits_the_badge_shows_the_worst_version_in_that_environment_and_names_it()
    {
        await SeedServedVersionAsync("staging", Model, "1.2.0");
        await SeedVersionAsync(Model, "2.0.0");
        Health.Record(Model, "1.2.0", Endpoint, Succeeded());
        Health.Record(Model, "2.0.0", Endpoint, Succeeded());
        await RecordTrafficAsync("staging", Model, "1.2.0", requests: 180);
        await RecordTrafficAsync("staging", Model, "2.0.0", requests: 20, failEvery: 2);

        var host = RenderWithProviders(Page<HealthBadge>(b =>
        {
            b.AddComponentParameter(1, nameof(HealthBadge.Model), Model);
            b.AddComponentParameter(2, nameof(HealthBadge.Splits), new List<SplitInfo> { new("1.2.0", 90), new("2.0.0", 10) });
            b.AddComponentParameter(3, nameof(HealthBadge.Environment), "staging");
        }));

        Assert.Equal("unhealthy", host.Find("[data-testid=health-badge]").GetAttribute("data-status"));
        Assert.Equal("2.0.0: Live error rate 50% over the last 60 s (20 requests) is above the 10% limit for staging; probes pass.", TooltipText(host));
    }

    /// <summary>Serves 2.0.0 in staging with one probe and some traffic recorded, then renders its staging badge.</summary>
    private async Task<IRenderedComponent<ContainerFragment>> RenderServedAsync(HealthProbeResult probe, int requests, int failEvery = 0, double latencyMs = 100)
    {
        await SeedServedVersionAsync("staging", Model, "2.0.0");
        Health.Record(Model, "2.0.0", Endpoint, probe);
        await RecordTrafficAsync("staging", Model, "2.0.0", requests, failEvery, latencyMs);
        return RenderBadge("2.0.0", environment: "staging");
    }

    private IRenderedComponent<ContainerFragment> RenderBadge(string? version, string? environment = null) =>
        RenderWithProviders(Page<HealthBadge>(b =>
        {
            b.AddComponentParameter(1, nameof(HealthBadge.Model), Model);
            b.AddComponentParameter(2, nameof(HealthBadge.Version), version);
            b.AddComponentParameter(3, nameof(HealthBadge.Environment), environment);
        }));

    /// <summary>Hovers the badge and reads the tooltip MudBlazor then shows in the popover provider.</summary>
    private static string TooltipText(IRenderedComponent<ContainerFragment> host)
    {
        host.Find(".mud-tooltip-root").PointerEnter(new PointerEventArgs());
        IElement? tooltip = null;
        host.WaitForAssertion(() => tooltip = Assert.Single(host.FindAll(".mud-tooltip")));
        return Normalize(tooltip!.TextContent);
    }

    private static HealthProbeResult Succeeded() => new(DateTime.UtcNow, Ok: true, StatusCode: 200, LatencyMs: 12, Error: null);

    private static HealthProbeResult Failed(string error) => new(DateTime.UtcNow, Ok: false, StatusCode: null, LatencyMs: 2000, Error: error);
}
