using System.Diagnostics;

namespace ModelRegistry.Dashboard.Tests.Infrastructure;

/// <summary>
/// Waiting for a condition that another process or background loop makes true: re-checked every
/// <c>interval</c> (the pause between looks, never what a test asserts on) until it holds or <c>timeout</c> has passed.
/// </summary>
public static class Poll
{
    /// <summary>Re-checks <paramref name="condition"/> until it holds; fails with <paramref name="failure"/> (given the time waited) after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<TimeSpan, string> failure, TimeSpan? interval = null)
    {
        var waited = Stopwatch.StartNew();
        while (!await condition())
        {
            if (waited.Elapsed >= timeout)
            {
                Assert.Fail(failure(waited.Elapsed));
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(50), TestContext.Current.CancellationToken);
        }
    }
}
