using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ModelRegistry.Dashboard.Core.Workers;

/// <summary>What every supervised worker needs from the host, in one constructor argument.</summary>
public sealed class WorkerHost(WorkerHealthRegistry registry, IHostApplicationLifetime lifetime, TimeProvider clock, ILoggerFactory loggers)
{
    public WorkerHealthRegistry Registry { get; } = registry;

    public IHostApplicationLifetime Lifetime { get; } = lifetime;

    public TimeProvider Clock { get; } = clock;

    public ILoggerFactory Loggers { get; } = loggers;
}

/// <summary>
/// The background loop of the app (DESIGN.md §3): waits until the server listens (a worker may call this app's own demo
/// backends, and a resumed deployment may probe at once), then runs <see cref="RunOnceAsync"/> on a
/// <see cref="SupervisedLoop"/> — caught, logged, backed off, its last success and last error reported on <c>/healthz</c>.
/// Nothing a run throws stops the host.
/// </summary>
public abstract class SupervisedWorker(WorkerHost host) : BackgroundService
{
    private Exception? _partialFailure;

    protected WorkerHost Host { get; } = host;

    /// <summary>
    /// Part of the current run failed while the rest went on (one deployment of many): the worker shows degraded on
    /// <c>/healthz</c> with this error after the run, without the back-off a failed run gets.
    /// </summary>
    protected void ReportPartialFailure(Exception error) => Interlocked.Exchange(ref _partialFailure, error);

    /// <summary>The name on <c>/healthz</c> and in the logs.</summary>
    public abstract string Name { get; }

    /// <summary>The time between two runs, and the first back-off step.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>False for a worker switched off by its settings: it reports itself stopped and never runs.</summary>
    protected virtual bool Enabled => true;

    /// <summary>True to stop with the server (ApplicationStopping), not after it: requests to this app's own endpoints fail while it drains.</summary>
    protected virtual bool StopsWithServer => false;

    /// <summary>One run; throw to report a failure (it is retried after a back-off).</summary>
    protected abstract Task RunOnceAsync(CancellationToken stoppingToken);

    /// <summary>Waits for the next run; by default the next timer tick. Returns false to stop.</summary>
    protected virtual Task<bool> WaitForNextRunAsync(PeriodicTimer timer, CancellationToken stoppingToken) =>
        timer.WaitForNextTickAsync(stoppingToken).AsTask();

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            Host.Registry.Stopped(Name);
            return;
        }

        Host.Registry.Starting(Name);
        if (!await Host.Lifetime.WaitUntilStartedAsync(stoppingToken))
        {
            return;
        }

        using var stopping = StopsWithServer
            ? CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, Host.Lifetime.ApplicationStopping)
            : CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var loop = new SupervisedLoop(Name, Interval, Host.Clock, Host.Loggers.CreateLogger(GetType()), Host.Registry);
        await loop.RunAsync(RunOnceAsync, stopping.Token, WaitForNextRunAsync, takePartialFailure: () => Interlocked.Exchange(ref _partialFailure, null));
        await StoppedAsync();
    }

    /// <summary>After the last run, when stopping: e.g. wait for work the runs started.</summary>
    protected virtual Task StoppedAsync() => Task.CompletedTask;
}

public static class SupervisedWorkerRegistration
{
    /// <summary>The registry and host bundle every <see cref="SupervisedWorker"/> takes (idempotent).</summary>
    public static IServiceCollection AddSupervisedWorkers(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<WorkerHealthRegistry>();
        services.TryAddSingleton<WorkerHost>();
        services.Configure<HostOptions>(o => o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);
        return services;
    }
}
