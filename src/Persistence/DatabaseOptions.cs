using System.ComponentModel.DataAnnotations;

namespace ModelRegistry.Dashboard.Persistence;

/// <summary><c>Database:*</c> settings. The connection string itself is <c>ConnectionStrings:Registry</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary><c>Sqlite</c> (embedded default, <c>data/registry.db</c>) or <c>SqlServer</c>.</summary>
    [Required]
    [AllowedValues(DatabaseProvider.Sqlite, DatabaseProvider.SqlServer, ErrorMessage = "Database:Provider must be 'Sqlite' or 'SqlServer'.")]
    public string Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply pending migrations when the app starts.</summary>
    public bool MigrateOnStart { get; set; } = true;
}

public static class DatabaseProvider
{
    public const string Sqlite = "Sqlite";
    public const string SqlServer = "SqlServer";
}
