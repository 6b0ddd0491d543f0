using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using ModelRegistry.Dashboard.Core;

namespace ModelRegistry.Dashboard.Api;

/// <summary>
/// Maps the engine's refusals (and unreadable request bodies) to RFC 9457 problem details, so bad input is never a 500.
/// Validation errors carry <c>errors</c>: field → messages.
/// </summary>
internal sealed class OperationExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
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
            BadHttpRequestException bad when bad.Message.Contains("from body", StringComparison.OrdinalIgnoreCase) || bad.Message.Contains("body was not provided", StringComparison.OrdinalIgnoreCase) =>
                Validation(new Dictionary<string, string[]> { ["body"] = ["A JSON request body is required."] }, "The request body is missing.", "A JSON request body is required."),
            BadHttpRequestException bad => new ProblemDetails { Status = bad.StatusCode, Title = "Bad request", Detail = bad.Message },
            _ => null,
        };

        if (problem is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
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

    private static string ReadableJsonError(JsonException json) => json.Path is { Length: > 1 } path
        ? $"'{JsonField(path)}' has a value of the wrong type or shape for this field."
        : "The body could not be read as JSON.";
}
