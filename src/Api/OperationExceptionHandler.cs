using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Core;

namespace ModelRegistry.Dashboard.Api;

/// <summary>
/// Maps the engine's refusals (and unreadable request bodies) to RFC 9457 problem details, so bad input is never a 500.
/// Validation errors carry <c>errors</c>: field → messages. A database that is busy (locked, deadlocked, timed out) is
/// 503 with <c>Retry-After</c>; a row changed or removed by someone else between read and write is 409.
/// </summary>
internal sealed partial class OperationExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    /// <summary>Seconds a client waits before retrying after a busy database: SQLite's writer lock is held for milliseconds.</summary>
    public const int RetryAfterSeconds = 1;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ProblemDetails? problem = exception switch
        {
            ValidationFailedException v => Validation(v.Errors, "The request is invalid.", v.Message),
            ConflictException c => WithField(new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = "Conflict", Detail = c.Message }, c.Field, c.Message),
            NotFoundException n => new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Not found", Detail = n.Message },
            ForbiddenException f => new ProblemDetails { Status = StatusCodes.Status403Forbidden, Title = "Forbidden", Detail = f.Message },
            BadHttpRequestException { InnerException: JsonException json } => Validation(
                new Dictionary<string, string[]> { [JsonField(json.Path)] = [ReadableJsonError(json)] },
                "The request body is not valid JSON for this endpoint.",
                ReadableJsonError(json)),
            BadHttpRequestException bad when bad.Message.Contains("from body", StringComparison.OrdinalIgnoreCase) || bad.Message.Contains("body was not provided", StringComparison.OrdinalIgnoreCase)
                || bad.Message.Contains("no body was provided", StringComparison.OrdinalIgnoreCase) =>
                Validation(new Dictionary<string, string[]> { ["body"] = ["A JSON request body is required."] }, "The request body is missing.", "A JSON request body is required."),
            BadHttpRequestException bad when UnboundParameter().Match(bad.Message) is { Success: true } unbound => Validation(
                new Dictionary<string, string[]> { [unbound.Groups["name"].Value] = [$"'{unbound.Groups["name"].Value}' must be {Expected(unbound.Groups["type"].Value)}."] },
                "The request is invalid.",
                $"'{unbound.Groups["name"].Value}' could not be read as {Expected(unbound.Groups["type"].Value)}."),
            BadHttpRequestException bad => new ProblemDetails { Status = bad.StatusCode, Title = "Bad request", Detail = bad.Message },
            DbUpdateConcurrencyException => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Conflict",
                Detail = "What you changed was changed or removed by someone else after it was read; reload it and try again.",
            },
            _ when TransientDatabaseErrors.Matches(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Database busy",
                Detail = $"The database is busy with other writes; nothing was changed. Retry in {RetryAfterSeconds} s.",
            },
            _ => null,
        };

        if (problem is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static HttpValidationProblemDetails Validation(IReadOnlyDictionary<string, string[]> errors, string title, string detail) =>
        new(errors.ToDictionary(e => e.Key, e => e.Value))
        {
            Status = StatusCodes.Status400BadRequest,
            Title = title,
            Detail = detail,
        };

    private static ProblemDetails WithField(ProblemDetails problem, string? field, string message)
    {
        if (field is not null)
        {
            problem.Extensions["errors"] = new Dictionary<string, string[]> { [field] = [message] };
        }

        return problem;
    }

    /// <summary><c>$.metadata.contextWindow</c> → <c>metadata.contextWindow</c>; the whole body → <c>body</c>.</summary>
    private static string JsonField(string? path) =>
        string.IsNullOrEmpty(path) || path == "$" ? "body" : path.TrimStart('$', '.');

    /// <summary>The parameter's CLR type ("Nullable<int>", "Nullable<DateTime>") as the caller should send it.</summary>
    private static string Expected(string type) => type.Replace("Nullable<", "", StringComparison.Ordinal).TrimEnd('>') switch
    {
        "int" or "Int32" => "a whole number from -2,147,483,648 to 2,147,483,647",
        "long" or "Int64" => "a whole number",
        "DateTime" or "DateTimeOffset" => "an ISO-8601 timestamp such as 2025-01-31T12:00:00Z",
        "bool" or "Boolean" => "true or false",
        var other => $"a valid {other}",
    };

    /// <summary>Minimal APIs' message for a query or route value that does not convert: <c>Failed to bind parameter "Nullable&lt;int&gt; page" from "x".</c></summary>
    [GeneratedRegex("""^Failed to bind parameter "(?<type>[^"]+) (?<name>[A-Za-z_][A-Za-z0-9_]*)" from""", RegexOptions.CultureInvariant)]
    private static partial Regex UnboundParameter();

    private static string ReadableJsonError(JsonException json) => json.Path is { Length: > 1 } path
        ? $"'{JsonField(path)}' has a value of the wrong type or shape for this field."
        : "The body could not be read as JSON.";
}
