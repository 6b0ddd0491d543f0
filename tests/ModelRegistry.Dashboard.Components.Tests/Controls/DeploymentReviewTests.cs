using Bunit;
using ModelRegistry.Dashboard.Components.Controls;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Deployments.Verdicts;
using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Components.Tests.Controls;

/// <summary>
/// The wizard's review shows the route as it is now and what a rollback would leave, and warns when the target already
/// has traffic (the demo's staging support-chat 2.0.0 at 10%) or was rolled back recently.
/// </summary>
public sealed class DeploymentReviewTests : DashboardTestContext
{
    private static readonly DateTime Now = new(2026, 12, 4, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_current_split_is_shown_and_a_target_that_already_has_traffic_is_warned_about()
    {
        Clock.PinnedNow = Now;
        var route = new RouteInfo("staging", "support-chat", [new SplitInfo("1.2.0", 90), new SplitInfo("2.0.0", 10)], 7, Now.AddMinutes(-5), "demo-seed");

        var cut = Render<DeploymentReview>(p => p
            .Add(r => r.Model, "support-chat").Add(r => r.Version, "2.0.0").Add(r => r.Environment, "staging")
            .Add(r => r.Stable, "1.2.0").Add(r => r.Strategy, DeploymentStrategy.Canary).Add(r => r.Guard, GuardRules.Default)
            .Add(r => r.CurrentRoute, route));

        var current = Normalize(cut.Find("[data-testid=review-current-split]").TextContent);
        Assert.Contains("1.2.0 90%", current, StringComparison.Ordinal);
        Assert.Contains("2.0.0 10%", current, StringComparison.Ordinal);
        Assert.Contains("revision 7, set by demo-seed 5 min ago", current, StringComparison.Ordinal);
        Assert.Equal("1.2.0 100% (2.0.0 at 0%)", Normalize(cut.Find("[data-testid=review-rollback-plan]").TextContent));
        Assert.Contains("2.0.0 already serves 10% of support-chat in staging", cut.Find("[data-testid=review-target-has-traffic]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=review-recent-rollback]"));
    }

    [Fact]
    public void A_recent_rollback_of_the_same_version_is_warned_about_with_a_link_to_it()
    {
        Clock.PinnedNow = Now;
        var route = new RouteInfo("staging", "support-chat", [new SplitInfo("1.2.0", 100)], 8, Now.AddMinutes(-3), "deployment-orchestrator");
        var rolledBack = new DeploymentSummary(12, "support-chat", "staging", DeploymentStrategy.Canary, "1.2.0", "2.0.0", DeploymentStatus.RolledBack,
            0, [10, 50, 100], 0, "ops.alice", Now.AddMinutes(-10), Now.AddMinutes(-3), Now.AddMinutes(-3), 5);

        var cut = Render<DeploymentReview>(p => p
            .Add(r => r.Model, "support-chat").Add(r => r.Version, "2.0.0").Add(r => r.Environment, "staging")
            .Add(r => r.Stable, "1.2.0").Add(r => r.Strategy, DeploymentStrategy.Canary).Add(r => r.Guard, GuardRules.Default)
            .Add(r => r.CurrentRoute, route).Add(r => r.RecentRollbacks, [rolledBack]));

        var warning = cut.Find("[data-testid=review-recent-rollback]");
        Assert.Contains("2.0.0 was rolled back in staging 3 min ago", Normalize(warning.TextContent), StringComparison.Ordinal);
        Assert.Equal("/deployments/12", warning.QuerySelector("a")!.GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=review-target-has-traffic]"));
    }

    [Fact]
    public void Without_a_route_the_review_says_so_and_a_rollback_removes_what_the_deployment_creates()
    {
        var cut = Render<DeploymentReview>(p => p
            .Add(r => r.Model, "fresh-model").Add(r => r.Version, "1.0.0").Add(r => r.Environment, "staging")
            .Add(r => r.Strategy, DeploymentStrategy.Direct).Add(r => r.Guard, GuardRules.Default));

        Assert.Contains("No route for fresh-model in staging yet", cut.Find("[data-testid=review-current-split]").TextContent, StringComparison.Ordinal);
        Assert.Equal("the route this deployment creates is removed", Normalize(cut.Find("[data-testid=review-rollback-plan]").TextContent));
    }
}
