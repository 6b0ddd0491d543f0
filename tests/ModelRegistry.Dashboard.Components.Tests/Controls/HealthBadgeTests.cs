using AngleSharp.Dom;
using Bunit;
using Bunit.Rendering;
using Microsoft.AspNetCore.Components.Web;
using ModelRegistry.Dashboard.Components.Controls;
using ModelRegistry.Dashboard.Health;

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
            Assert.Equal("unhealthy", Normalize(badge.TextContent));
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

    private IRenderedComponent<ContainerFragment> RenderBadge(string? version) =>
        RenderWithProviders(Page<HealthBadge>(b =>
        {
            b.AddComponentParameter(1, nameof(HealthBadge.Model), Model);
            b.AddComponentParameter(2, nameof(HealthBadge.Version), version);
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
