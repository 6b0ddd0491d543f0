using Bunit;
using Bunit.Rendering;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Components.Pages.Deployments;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Components.Tests.Pages;

public sealed class DeploymentDetailTests : DashboardTestContext
{
    [Fact]
    public async Task Pause_holds_a_progressing_canary_and_Resume_continues_it()
    {
        var canary = await StartCanaryAsync();
        var cut = RenderDetail(canary.Id);
        cut.WaitForAssertion(() => Assert.Equal("progressing", Text(cut, "deployment-status")));

        await cut.Find("[data-testid=pause]").ClickAsync(new());

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("paused", Text(cut, "deployment-status"));
            Assert.Empty(cut.FindAll("[data-testid=pause]"));
            Assert.Contains($"{OperatorName} paused at 10%.", Text(cut, "deployment-events"), StringComparison.Ordinal);
        });
        var paused = await Deployments.GetAsync(canary.Id, Cancellation);
        Assert.Equal(DeploymentStatus.Paused, paused.Status);
        Assert.Equal(OperatorName, paused.UpdatedBy);

        await cut.Find("[data-testid=resume]").ClickAsync(new());

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("progressing", Text(cut, "deployment-status"));
            Assert.Empty(cut.FindAll("[data-testid=resume]"));
            Assert.Single(cut.FindAll("[data-testid=pause]"));
            Assert.Contains($"{OperatorName} resumed at 10%", Text(cut, "deployment-events"), StringComparison.Ordinal);
        });
        var resumed = await Deployments.GetAsync(canary.Id, Cancellation);
        Assert.Equal((DeploymentStatus.Progressing, 10), (resumed.Status, resumed.TrafficPercent));
        Assert.Empty(cut.FindAll(".mud-snackbar"));
    }

    [Fact]
    public async Task A_viewer_sees_the_deployment_read_only_without_commands_and_the_engine_refuses_them_anyway()
    {
        var canary = await StartCanaryAsync();
        Authorization.SetRoles(nameof(ActorRole.Viewer));
        var cut = RenderDetail(canary.Id);
        cut.WaitForAssertion(() => Assert.Equal("progressing", Text(cut, "deployment-status")));

        Assert.Contains("Read-only", Text(cut, "read-only"), StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=pause], [data-testid=promote], [data-testid=rollback], [data-testid=resume]"));
        var refused = await Assert.ThrowsAsync<ForbiddenException>(() =>
            Deployments.PauseAsync(new Actor(OperatorName, ActorRole.Viewer), canary.Id, canary.ConcurrencyStamp, Cancellation));
        Assert.Equal($"{OperatorName} (Viewer) may not pause deployments: it needs the Operator role.", refused.Message);
        var unchanged = await Deployments.GetAsync(canary.Id, Cancellation);
        Assert.Equal((DeploymentStatus.Progressing, canary.ConcurrencyStamp), (unchanged.Status, unchanged.ConcurrencyStamp));
    }

    [Fact]
    public async Task Pause_after_another_operator_moved_the_canary_unseen_shows_the_conflict_and_the_deployment_as_it_now_is()
    {
        var canary = await StartCanaryAsync();
        var cut = RenderDetail(canary.Id);
        cut.WaitForAssertion(() => Assert.Equal("10% of traffic on 1.1.0", Text(cut, "traffic-percent")));

        await OtherServerDeployments().PromoteAsync(new Actor("alice", ActorRole.Operator), canary.Id, full: false, cancellationToken: Cancellation);
        Assert.Equal("10% of traffic on 1.1.0", Text(cut, "traffic-percent"));
        await cut.Find("[data-testid=pause]").ClickAsync(new());
        var current = await Deployments.GetAsync(canary.Id, Cancellation);

        cut.WaitForAssertion(() =>
        {
            var message = Normalize(cut.Find(".mud-snackbar .mud-snackbar-content-message").TextContent);
            Assert.StartsWith($"Deployment {canary.Id} was changed by alice at ", message, StringComparison.Ordinal);
            Assert.EndsWith($"it is now Progressing at 50% (stamp {current.ConcurrencyStamp}). Reload it and decide again.", message, StringComparison.Ordinal);
            Assert.Equal("50% of traffic on 1.1.0", Text(cut, "traffic-percent"));
            Assert.Equal("progressing", Text(cut, "deployment-status"));
        });
        Assert.Equal((DeploymentStatus.Progressing, 50, "alice"), (current.Status, current.TrafficPercent, current.UpdatedBy));
        Assert.DoesNotContain(current.Events, e => e.Kind == DeploymentEventKind.Paused);
    }

    private IRenderedComponent<ContainerFragment> RenderDetail(long id) =>
        RenderWithSnackbar(Page<DeploymentDetail>(page => page.AddAttribute(1, nameof(DeploymentDetail.Id), id)));

    private static string Text(IRenderedComponent<ContainerFragment> cut, string testId) => Normalize(cut.Find($"[data-testid={testId}]").TextContent);

    /// <summary>
    /// The deployment commands of a second app server on the same database: its changes are published to its own
    /// in-process notifier, so this circuit learns of them only when it reloads.
    /// </summary>
    private DeploymentService OtherServerDeployments()
    {
        var notifier = new ChangeNotifier();
        var routes = ActivatorUtilities.CreateInstance<RouteService>(Services, notifier);
        var transitions = ActivatorUtilities.CreateInstance<DeploymentTransitions>(Services, routes, notifier);
        return ActivatorUtilities.CreateInstance<DeploymentService>(Services, transitions, notifier);
    }
}
