using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Persistence;

namespace ModelRegistry.Dashboard.Access;

/// <summary>
/// API keys made in the app (Admin): a name, a role, optional scopes and expiry; the secret (<c>mrk_</c> prefix, 256
/// random bits) is returned once and kept only as its SHA-256. Checking a presented key reads a small in-memory table
/// (by prefix; an entry lives <see cref="CacheLifetime"/> at most) that a revoke in this process empties at once, so a
/// revoked key fails on its very next request. Last use is written at most once a minute per key.
/// </summary>
public sealed class ApiKeyService(IDbContextFactory<RegistryDbContext> dbFactory, AuditLog audit, IChangeNotifier notifier, TimeProvider clock)
{
    public const string SecretPrefix = "mrk_";
    public const string NameField = "name";
    public const string RoleField = "role";

    /// <summary>How long a key's state may be served from memory: the bound on a revoke made by another instance.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Cached> _byPrefix = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, DateTimeOffset> _lastUseWritten = new();

    public async Task<ApiKeyInfo> CreateAsync(Actor actor, CreateApiKeyRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(request);
        actor.Demand(ActorRole.Admin, "create API keys");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var errors = new ValidationErrors();
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            errors.Add(NameField, "'name' is required: what the key is for, e.g. 'ci-deploy' (it names the key's actions in the audit log).");
        }
        else if (name.Length > TextLimits.Name)
        {
            errors.Add(NameField, $"'name' must be at most {TextLimits.Name} characters.");
        }
        else if (await db.ApiKeys.AnyAsync(k => k.Name == name && k.RevokedAt == null, cancellationToken))
        {
            throw new ConflictException($"An active API key is already named '{name}': revoke it or choose another name.", NameField);
        }

        var role = EnumText.Parse<ActorRole>(request.Role);
        if (role is null)
        {
            errors.Add(RoleField, $"'role' must be Inference (gateway calls only), Viewer, Automation, Operator or Admin; got '{request.Role}'.");
        }

        var models = NameList.Normalize(request.Scopes?.Models);
        var environments = NameList.Normalize(request.Scopes?.Environments);
        foreach (var unknown in models.Except(await db.Models.Where(m => models.Contains(m.Name)).Select(m => m.Name).ToListAsync(cancellationToken)))
        {
            errors.Add("scopes.models", $"Model '{unknown}' is not registered.");
        }

        foreach (var unknown in environments.Except(await db.Environments.Where(e => environments.Contains(e.Name)).Select(e => e.Name).ToListAsync(cancellationToken)))
        {
            errors.Add("scopes.environments", $"Environment '{unknown}' does not exist.");
        }

        var expires = request.ExpiresAt?.ToUniversalTime();
        if (expires <= now.UtcDateTime)
        {
            errors.Add("expiresAt", $"'expiresAt' must be in the future (now is {now.UtcDateTime:u}).");
        }

        errors.ThrowIfAny();
        var prefix = SecretPrefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant();
        var secret = $"{prefix}_{Base64Url(RandomNumberGenerator.GetBytes(32))}";
        var key = new ApiKey
        {
            Name = name!,
            Prefix = prefix,
            SecretHash = Hash(secret),
            Role = role!.Value,
            ScopeModels = NameList.Join(models),
            ScopeEnvironments = NameList.Join(environments),
            ExpiresAt = expires,
            CreatedAt = now.UtcDateTime,
            CreatedBy = actor.Name,
        };
        db.ApiKeys.Add(key);
        audit.Record(db, actor, AuditActions.ApiKeyCreated, $"{name} ({prefix})", after: ApiKeyInfo.From(key, now));
        await db.SaveChangesAsync(cancellationToken);
        notifier.Publish(new Change(ChangeKind.ApiKeyChanged, Detail: prefix));
        return ApiKeyInfo.From(key, now) with { Secret = secret };
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(ActorRole.Admin, "list API keys");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var keys = await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.Id).ToListAsync(cancellationToken);
        return [.. keys.Select(k => ApiKeyInfo.From(k, now))];
    }

    /// <summary>Revokes a key: its next request is refused (here at once; on other instances within <see cref="CacheLifetime"/>).</summary>
    public async Task<ApiKeyInfo> RevokeAsync(Actor actor, long id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(ActorRole.Admin, "revoke API keys");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, cancellationToken) ?? throw new NotFoundException($"API key {id} does not exist.");
        var now = clock.GetUtcNow();
        if (key.RevokedAt is not null)
        {
            throw new ConflictException($"API key '{key.Name}' ({key.Prefix}) was already revoked by {key.RevokedBy} at {key.RevokedAt:u}.");
        }

        key.RevokedAt = now.UtcDateTime;
        key.RevokedBy = actor.Name;
        audit.Record(db, actor, AuditActions.ApiKeyRevoked, $"{key.Name} ({key.Prefix})");
        await db.SaveChangesAsync(cancellationToken);
        _byPrefix.TryRemove(key.Prefix, out _);
        notifier.Publish(new Change(ChangeKind.ApiKeyChanged, Detail: key.Prefix));
        return ApiKeyInfo.From(key, now);
    }

    /// <summary>
    /// The actor of a presented secret, or null when it is not an active key of this app (unknown, wrong, revoked or
    /// expired). Constant-time comparison of the hashes.
    /// </summary>
    public async Task<Actor?> AuthenticateAsync(string presented, CancellationToken cancellationToken = default)
    {
        if (!presented.StartsWith(SecretPrefix, StringComparison.Ordinal) || presented.Length < SecretPrefix.Length + 9 || presented[SecretPrefix.Length + 8] != '_')
        {
            return null;
        }

        var prefix = presented[..(SecretPrefix.Length + 8)];
        var now = clock.GetUtcNow();
        if (!_byPrefix.TryGetValue(prefix, out var cached) || now - cached.LoadedAt > CacheLifetime)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            var key = await db.ApiKeys.AsNoTracking().FirstOrDefaultAsync(k => k.Prefix == prefix, cancellationToken);
            cached = new Cached(key, now);
            _byPrefix[prefix] = cached;
        }

        if (cached.Key is not { } found || found.RevokedAt is not null || found.ExpiresAt <= now.UtcDateTime
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(found.SecretHash), Encoding.ASCII.GetBytes(Hash(presented))))
        {
            return null;
        }

        if (!_lastUseWritten.TryGetValue(found.Id, out var written) || now - written > LastUseResolution)
        {
            _lastUseWritten[found.Id] = now;
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            await db.ApiKeys.Where(k => k.Id == found.Id).ExecuteUpdateAsync(k => k.SetProperty(x => x.LastUsedAt, now.UtcDateTime), cancellationToken);
        }

        return new Actor($"apikey:{found.Name}", found.Role, found.Scope);
    }

    private static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed record Cached(ApiKey? Key, DateTimeOffset LoadedAt);
}
