using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace ModelRegistry.Dashboard.Api;

/// <summary>
/// Database errors that say "try again shortly" rather than "this request is wrong" or "the server is broken": the
/// answer is 503 with <c>Retry-After</c>, not 500. EF Core wraps them (<c>DbUpdateException</c>), so the chain is searched.
/// </summary>
internal static class TransientDatabaseErrors
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    /// <summary>SQL Server: -2 client timeout, 1205 chosen as deadlock victim, 1222 lock request timed out.</summary>
    private static readonly HashSet<int> SqlServerNumbers = [-2, 1205, 1222];

    public static bool Matches(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SqliteException { SqliteErrorCode: SqliteBusy or SqliteLocked }:
                case SqlException sql when SqlServerNumbers.Contains(sql.Number):
                    return true;
            }
        }

        return false;
    }
}
