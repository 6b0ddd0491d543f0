using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using ModelRegistry.Dashboard.Components.Controls.Charts;

namespace ModelRegistry.Dashboard.Components.Tests.Controls.Charts;

/// <summary>
/// The chart's "at most one update per second" counts seconds of the clock, so a second the live feed publishes just
/// after it ends reaches the browser at once, whenever the chart was created (docs/benchmarks.md, push latency).
/// </summary>
public sealed class ChartUpdateSlotTests : BunitContext
{
    private static readonly DateTimeOffset Second = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private readonly ManualTimers _clock = new();
    private readonly BunitJSModuleInterop _module;

    public ChartUpdateSlotTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<TimeProvider>(_clock);
        _module = JSInterop.SetupModule(invocation => invocation.Arguments.Count > 0 && invocation.Arguments[0] is string path && path.EndsWith(TimeSeriesChart.ModulePath, StringComparison.Ordinal));
        _module.Mode = JSRuntimeMode.Loose;
    }

    [Fact]
    public async Task A_new_second_is_sent_at_once_even_when_the_chart_was_created_less_than_a_second_before()
    {
        _clock.Now = Second.AddMilliseconds(500);
        var cut = Render<TimeSeriesChart>(p => p
            .Add(c => c.TestId, "chart")
            .Add(c => c.Series, [new ChartSeries("staging 1.0.0", "#1e88e5")]));
        cut.WaitForAssertion(() => Assert.Single(_module.Invocations["create"]));

        // The second that ended at 12:00:01, published by the feed 20 ms later: 0.52 s after the chart was created.
        _clock.Now = Second.AddMilliseconds(1020);
        await cut.InvokeAsync(() => cut.Instance.AppendAsync([new ChartPoint(0, Second.UtcDateTime, 3)]));

        Assert.Single(_module.Invocations["append"]);
    }

    [Fact]
    public async Task A_second_update_within_the_same_second_is_held_until_the_next_second_begins()
    {
        _clock.Now = Second.AddMilliseconds(-500);
        var cut = Render<TimeSeriesChart>(p => p
            .Add(c => c.TestId, "chart")
            .Add(c => c.Series, [new ChartSeries("staging 1.0.0", "#1e88e5")]));
        cut.WaitForAssertion(() => Assert.Single(_module.Invocations["create"]));
        _clock.Now = Second.AddMilliseconds(20);
        await cut.InvokeAsync(() => cut.Instance.AppendAsync([new ChartPoint(0, Second.UtcDateTime.AddSeconds(-1), 3)]));
        Assert.Single(_module.Invocations["append"]);

        // Another point 0.6 s later (a page appending off the feed's beat) waits for the next second of the clock.
        _clock.Now = Second.AddMilliseconds(600);
        await cut.InvokeAsync(() => cut.Instance.AppendAsync([new ChartPoint(0, Second.UtcDateTime, 4)]));
        Assert.Single(_module.Invocations["append"]);
        var timer = Assert.Single(_clock.Timers);
        Assert.Equal(TimeSpan.FromMilliseconds(400), timer.DueTime);

        _clock.Now = Second.AddSeconds(1);
        timer.Fire();
        cut.WaitForAssertion(() => Assert.Equal(2, _module.Invocations["append"].Count));
    }

    /// <summary>A clock whose timers fire when the test says so.</summary>
    private sealed class ManualTimers : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public List<ManualTimer> Timers { get; } = [];

        public override DateTimeOffset GetUtcNow() => Now;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = new ManualTimer(() => callback(state), dueTime);
            Timers.Add(timer);
            return timer;
        }
    }

    private sealed class ManualTimer(Action fire, TimeSpan dueTime) : ITimer
    {
        public TimeSpan DueTime { get; } = dueTime;

        public void Fire() => fire();

        public bool Change(TimeSpan dueTime, TimeSpan period) => true;

        public void Dispose()
        {
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
