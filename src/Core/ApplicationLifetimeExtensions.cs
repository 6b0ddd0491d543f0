using Microsoft.Extensions.Hosting;

namespace ModelRegistry.Dashboard.Core;

public static class ApplicationLifetimeExtensions
{
    /// <summary>
    /// True once the app has started (every hosted service is up and the server listens), false if
    /// <paramref name="stoppingToken"/> fires first. Background work that calls this app over HTTP — its own demo
    /// backends — waits for it: hosted services start before the server does.
    /// </summary>
    public static async Task<bool> WaitUntilStartedAsync(this IHostApplicationLifetime lifetime, CancellationToken stoppingToken)
    {
        ArgumentNullException.ThrowIfNull(lifetime);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var onStarted = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        using var onStopping = stoppingToken.Register(() => started.TrySetCanceled(stoppingToken));
        try
        {
            await started.Task;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
