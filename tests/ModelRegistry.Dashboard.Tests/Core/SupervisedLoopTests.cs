using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using ModelRegistry.Dashboard.Core.Workers;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Core;

/// <summary>The one loop every background worker runs on: a failing run is logged, recorded and retried with back-off; nothing ends it but stopping.</summary>
public sealed class SupervisedLoopTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_run_that_always_throws_is_logged_recorded_and_retried_after_a_doubling_back_off()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 12, 0, 0, TimeSpan.Zero));
        var registry = new WorkerHealthRegistry();
        var logger = new RecordingLogger();
        var runs = 0;
        var loop = new SupervisedLoop("flaky", TimeSpan.FromSeconds(1), clock, logger, registry);
        using var stop = new CancellationTokenSource();
        var running = loop.RunAsync(_ =>
        {
            Interlocked.Increment(ref runs);
            throw new InvalidOperationException("database is locked");
        }, stop.Token);

        // Runs happen at 0 s, then after 1, 2, 4, 8 s of back-off: each advance just short of the next one runs nothing.
        Assert.Equal(1, Volatile.Read(ref runs));
        foreach (var (backOff, expectedRuns) in new[] { (1, 2), (2, 3), (4, 4), (8, 5) })
        {
            clock.Advance(TimeSpan.FromSeconds(backOff) - TimeSpan.FromMilliseconds(1));
            Assert.Equal(expectedRuns - 1, Volatile.Read(ref runs));
            clock.Advance(TimeSpan.FromMilliseconds(1));
            await WaitForAsync(() => Volatile.Read(ref runs) == expectedRuns);
        }

        var state = registry.Get("flaky")!;
        Assert.Equal(WorkerStatus.Degraded, state.Status);
        Assert.Equal(5, state.ConsecutiveFailures);
        Assert.Equal("InvalidOperationException: database is locked", state.LastError);
        Assert.Equal(clock.GetUtcNow().UtcDateTime.AddSeconds(16), state.RetryAt);
        Assert.Equal(5, logger.Errors.Count(e => e.Contains("flaky failed", StringComparison.Ordinal)));
        Assert.False(running.IsCompleted);

        await stop.CancelAsync();
        await running;
        Assert.Equal(WorkerStatus.Stopped, registry.Get("flaky")!.Status);
    }

    [Fact]
    public async Task A_success_after_failures_resets_the_back_off_and_reports_healthy()
    {
        var clock = new FakeTimeProvider();
        var registry = new WorkerHealthRegistry();
        var runs = 0;
        var loop = new SupervisedLoop("recovers", TimeSpan.FromSeconds(1), clock, new RecordingLogger(), registry);
        using var stop = new CancellationTokenSource();
        var running = loop.RunAsync(_ => Interlocked.Increment(ref runs) <= 2 ? throw new TimeoutException("probe timed out") : Task.CompletedTask, stop.Token);

        clock.Advance(TimeSpan.FromSeconds(1)); // second failure
        await WaitForAsync(() => Volatile.Read(ref runs) == 2);
        clock.Advance(TimeSpan.FromSeconds(2)); // third run succeeds
        await WaitForAsync(() => registry.Get("recovers")?.Status == WorkerStatus.Healthy);

        Assert.Equal(0, loop.ConsecutiveFailures);
        Assert.Equal(clock.GetUtcNow().UtcDateTime, registry.Get("recovers")!.LastSuccessAt);
        clock.Advance(TimeSpan.FromSeconds(1)); // back on the one-second interval
        await WaitForAsync(() => Volatile.Read(ref runs) == 4);

        await stop.CancelAsync();
        await running;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(5, 16)]
    [InlineData(6, 30)]
    [InlineData(1000, 30)]
    public void The_back_off_doubles_from_the_interval_up_to_thirty_seconds(int failures, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), SupervisedLoop.BackOff(TimeSpan.FromSeconds(1), failures));

    /// <summary>The loop continues on the thread pool after a fake-clock advance; wait (bounded) for it to get there.</summary>
    private static Task WaitForAsync(Func<bool> condition) =>
        Poll.UntilAsync(() => Task.FromResult(condition()), TimeSpan.FromSeconds(5), waited => $"The loop did not get there within {waited.TotalSeconds:0.#} s.", TimeSpan.FromMilliseconds(5));

    private sealed class RecordingLogger : ILogger
    {
        public List<string> Errors { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                lock (Errors)
                {
                    Errors.Add(formatter(state, exception));
                }
            }
        }
    }
}
