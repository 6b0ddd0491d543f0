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

        await ClickAsync(cut, "pause");

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("paused", Text(cut, "deployment-status"));
            Assert.Empty(cut.FindAll("[data-testid=pause]"));
            Assert.Contains($"{OperatorName} paused at 10%.", Text(cut, "deployment-events"), StringComparison.Ordinal);
        });
        var paused = await Deployments.GetAsync(canary.Id, Cancellation);
        Assert.Equal(DeploymentStatus.Paused, paused.Status);
        Assert.Equal(OperatorName, paused.UpdatedBy);

        await ClickAsync(cut, "resume");

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
        await ClickAsync(cut, "pause");
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

    [Fact]
    public async Task The_analysis_panel_counts_the_steps_samples_against_the_minimum_and_counts_down_each_second_with_its_window()
    {
        // The step starts on a whole second: the window counts from the start of the step's first second, so a start
        // at .6 s would show one second more than the 7 s the test pins (it did, now and then, in CI).
        var now = DateTimeOffset.UtcNow;
        Clock.PinnedNow = new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
        var canary = await StartCanaryAsync();
        var started = canary.StepStartedAt!.Value;
        Clock.PinnedNow = new DateTimeOffset(started.AddSeconds(7));
        await RecordTrafficAsync("staging", "support-chat", "1.1.0", requests: 12);
        await RecordTrafficAsync("staging", "support-chat", "1.0.0", requests: 90);
        var window = $"since {started:HH:mm:ss} UTC";

        var cut = RenderDetail(canary.Id);

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("Step 1 of 3 (10%) · 7 s into a 60 s bake · 53 s left", Text(cut, "analysis-phase"));
            Assert.Equal("12 of 50", Text(cut, "analysis-canary-requests"));
            Assert.Equal("90 of 50", Text(cut, "analysis-baseline-requests"));
            Assert.Equal($"{window} (7 s)", Text(cut, "analysis-canary-window"));
            Assert.Equal($"{window} (7 s)", Text(cut, "analysis-baseline-window"));
            Assert.Equal("insufficient data", Text(cut.Find("[data-testid=analysis]"), "verdict-outcome"));
            // The last pass was 7 s ago on a 1 s tick: the next one is due.
            Assert.StartsWith("Next judgement due now (sooner, within 0.2 s, when requests arrive)", Text(cut, "analysis-next"), StringComparison.Ordinal);
        });

        // Time passes and requests arrive, nothing else: the page's own refresh shows both within a second or so.
        Clock.PinnedNow = new DateTimeOffset(started.AddSeconds(10));
        await RecordTrafficAsync("staging", "support-chat", "1.1.0", requests: 40);

        cut.WaitForAssertion(() =>
        {
            Assert.Equal("Step 1 of 3 (10%) · 10 s into a 60 s bake · 50 s left", Text(cut, "analysis-phase"));
            Assert.Equal("52 of 50", Text(cut, "analysis-canary-requests"));
            Assert.Equal($"{window} (10 s)", Text(cut, "analysis-canary-window"));
            Assert.Equal("pass", Text(cut.Find("[data-testid=analysis]"), "verdict-outcome"));
        });
    }

    [Fact]
    public async Task The_verdicts_table_labels_every_column_and_says_step_outcome_and_window_in_words()
    {
        var canary = await StartCanaryAsync();
        await TickDeploymentsAsync(); // the step's first verdict: insufficient data
        var verdict = Assert.Single((await Deployments.GetAsync(canary.Id, Cancellation)).Verdicts);

        var cut = RenderDetail(canary.Id);

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=verdicts] tbody tr")));
        Assert.Equal(["When", "Step", "Outcome", "Canary samples", "Baseline samples", "Window", "Summary", "Checks"],
            cut.FindAll("[data-testid=verdicts] thead th").Select(th => Normalize(th.TextContent)));
        var cells = cut.FindAll("[data-testid=verdicts] tbody tr td").Select(td => Normalize(td.TextContent)).ToList();
        Assert.Equal("1 of 3 · 10%", cells[1]);
        Assert.Equal("insufficient data", cells[2]);
        Assert.Equal(("0", "0"), (cells[3], cells[4]));
        Assert.Equal($"{verdict.WindowFrom:HH:mm:ss}–{verdict.WindowFrom.AddSeconds(verdict.WindowSeconds):HH:mm:ss} UTC ({verdict.WindowSeconds} s)", cells[5]);
        Assert.Contains("traffic shifted", cut.FindAll("[data-testid=event-kind]").Select(e => e.TextContent));
        Assert.Contains("last 60 s", Text(cut, "side-by-side-window"), StringComparison.Ordinal);
    }

    /// <summary>
    /// Clicks a button of the page, finding it again if the page re-rendered between finding and clicking (it does
    /// every second, and on every change it follows): the click then goes to the button as it is now.
    /// </summary>
    private static async Task ClickAsync(IRenderedComponent<ContainerFragment> cut, string testId)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await cut.Find($"[data-testid={testId}]").ClickAsync(new());
                return;
            }
            catch (UnknownEventHandlerIdException) when (attempt < 5)
            {
                // Re-rendered in between: find it again.
            }
        }
    }

    private IRenderedComponent<ContainerFragment> RenderDetail(long id) =>
        RenderWithSnackbar(Page<DeploymentDetail>(page => page.AddAttribute(1, nameof(DeploymentDetail.Id), id)));

    private static string Text(IRenderedComponent<ContainerFragment> cut, string testId) => Normalize(cut.Find($"[data-testid={testId}]").TextContent);

    private static string Text(AngleSharp.Dom.IElement scope, string testId) => Normalize(scope.QuerySelector($"[data-testid={testId}]")!.TextContent);

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
