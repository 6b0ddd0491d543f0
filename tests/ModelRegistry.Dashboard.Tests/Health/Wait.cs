using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Health;
using ModelRegistry.Dashboard.Live;

namespace ModelRegistry.Dashboard.Tests.Health;

/// <summary>Waits for a condition to become true as changes are published, failing with what was last seen after a timeout.</summary>
public static class Wait
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Re-reads a version's health on every published change until <paramref name="done"/> holds.</summary>
    public static async Task<VersionHealth> ForHealthAsync(IServiceProvider services, string model, string version, Func<VersionHealth, bool> done)
    {
        var registry = services.GetRequiredService<HealthRegistry>();
        using var changes = services.GetRequiredService<IChangeNotifier>().Subscribe();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(DefaultTimeout);
        var health = registry.Get(model, version);
        while (!done(health))
        {
            try
            {
                await changes.Reader.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
            {
                Assert.Fail($"Timed out after {DefaultTimeout.TotalSeconds} s waiting on {model}@{version}; last seen: {health.Status}: {health.Reason}");
            }

            health = registry.Get(model, version);
        }

        return health;
    }
}
