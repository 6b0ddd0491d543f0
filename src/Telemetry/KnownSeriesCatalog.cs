using ModelRegistry.Dashboard.Core.Fanout;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Persistence;

namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>
/// The (environment, model, version) triples that exist, cached so that ingest never asks the database per event.
/// Reloaded when a registry change arrives on the change notifier, when the cache is older than
/// <see cref="TelemetryOptions.KnownSeriesCacheSeconds"/>, or (at most once a second) when an event names something the
/// cache does not know — which covers an environment added by a migration or another process.
/// </summary>
public sealed class KnownSeriesCatalog : IDisposable
{
    private static readonly TimeSpan MinimumReloadInterval = TimeSpan.FromSeconds(1);

    private readonly IDbContextFactory<RegistryDbContext> _dbFactory;
    private readonly TimeProvider _clock;
    private readonly IOptionsMonitor<TelemetryOptions> _options;
    private readonly Subscription<Change> _changes;
    private readonly SemaphoreSlim _reload = new(1, 1);
    private volatile Known? _known;
    private volatile bool _stale = true;

    public KnownSeriesCatalog(
        IDbContextFactory<RegistryDbContext> dbFactory,
        IChangeNotifier notifier,
        TimeProvider clock,
        IOptionsMonitor<TelemetryOptions> options)
    {
        _dbFactory = dbFactory;
        _clock = clock;
        _options = options;
        _changes = notifier.Subscribe();
    }

    /// <summary>The cached triples, reloaded first when a change arrived or the cache expired.</summary>
    internal ValueTask<Known> GetAsync(CancellationToken cancellationToken)
    {
        while (_changes.Reader.TryRead(out var change))
        {
            if (change.Kind is ChangeKind.ModelRegistered or ChangeKind.VersionRegistered or ChangeKind.VersionUpdated)
            {
                _stale = true;
            }
        }

        var known = _known;
        var ttl = TimeSpan.FromSeconds(_options.CurrentValue.KnownSeriesCacheSeconds);
        return known is not null && !_stale && _clock.GetUtcNow() - known.LoadedAt < ttl
            ? ValueTask.FromResult(known)
            : new ValueTask<Known>(ReloadAsync(known, cancellationToken));
    }

    /// <summary>Reloads after a miss, unless <paramref name="seen"/> is younger than a second (a flood of bad names stays cheap).</summary>
    internal async ValueTask<Known> RefreshAfterMissAsync(Known seen, CancellationToken cancellationToken) =>
        _clock.GetUtcNow() - seen.LoadedAt < MinimumReloadInterval ? seen : await ReloadAsync(seen, cancellationToken);

    public void Dispose()
    {
        _changes.Dispose();
        _reload.Dispose();
    }

    private async Task<Known> ReloadAsync(Known? seen, CancellationToken cancellationToken)
    {
        await _reload.WaitAsync(cancellationToken);
        try
        {
            if (_known is { } current && !ReferenceEquals(current, seen) && !_stale)
            {
                return current; // another caller reloaded while this one waited
            }

            _stale = false; // changes published from here on mark the new snapshot stale again
            var loadedAt = _clock.GetUtcNow();
            await using var db = await _dbFactory.CreateDbContextAsync(cancellationToken);
            var environments = await db.Environments.AsNoTracking().Select(e => e.Name).ToListAsync(cancellationToken);
            var versions = await db.ModelVersions.AsNoTracking()
                .Select(v => new { Model = v.Model!.Name, v.Version })
                .ToListAsync(cancellationToken);
            var models = await db.Models.AsNoTracking().Select(m => m.Name).ToListAsync(cancellationToken);

            var series = new HashSet<SeriesKey>(environments.Count * versions.Count, SeriesKeyComparer.Instance);
            foreach (var environment in environments)
            {
                foreach (var version in versions)
                {
                    series.Add(new SeriesKey(environment, version.Model, version.Version));
                }
            }

            var known = new Known(series, [.. environments], [.. models], loadedAt);
            _known = known;
            return known;
        }
        finally
        {
            _reload.Release();
        }
    }

    /// <summary>One immutable load of the registry's names.</summary>
    internal sealed class Known(HashSet<SeriesKey> series, HashSet<string> environments, HashSet<string> models, DateTimeOffset loadedAt)
    {
        public DateTimeOffset LoadedAt { get; } = loadedAt;

        /// <summary>The cached instance of <paramref name="key"/>, so that every event of a series shares its strings.</summary>
        public bool TryGet(in SeriesKey key, out SeriesKey canonical) => series.TryGetValue(key, out canonical);

        public bool HasEnvironment(string name) => environments.Contains(name);

        public bool HasModel(string name) => models.Contains(name);
    }
}
