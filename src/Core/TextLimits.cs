namespace ModelRegistry.Dashboard.Core;

/// <summary>
/// The longest text each input field may hold, so the engine refuses it by name (400) before a column would: SQLite
/// stores any length, SQL Server fails the whole write. Each matches its column in <c>RegistryDbContext</c>; the README
/// lists them.
/// </summary>
public static class TextLimits
{
    /// <summary>Model and environment names (slugs).</summary>
    public const int Name = 63;

    public const int Version = 64;

    public const int DisplayName = 200;

    public const int Owner = 200;

    public const int Provider = 200;

    public const int UpstreamModel = 200;

    public const int Description = 4000;

    public const int Changelog = 20000;

    public const int Endpoint = 2048;

    /// <summary>Reasons of deployments, snapshots and restores, and notes on alerts (the audit log's reason column).</summary>
    public const int Reason = 2000;

    /// <summary>
    /// A manual rollback's reason is stored as "manual rollback by {actor}: {reason}" in the 2,000-character rollback-cause
    /// column, with room left for an actor name of up to 200 characters.
    /// </summary>
    public const int RollbackReason = 1500;
}
