using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;

namespace ModelRegistry.Dashboard.Hosting;

/// <summary>Refusals written by middleware (before any endpoint runs) in the API's shape: RFC 9457 problem details.</summary>
internal static class ProblemResponses
{
    public static Task WriteProblemAsync(this HttpContext context, int status, string title, string detail, IDictionary<string, string[]>? errors = null)
    {
        context.Response.StatusCode = status;
        var problem = new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        };
        if (errors is not null)
        {
            problem.ProblemDetails.Extensions["errors"] = errors;
        }

        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(problem).AsTask();
    }

    /// <summary>Sets <c>Retry-After</c> from a refused lease (at least 1 s; <paramref name="fallbackSeconds"/> when it says nothing) and returns the seconds.</summary>
    public static int SetRetryAfter(this HttpContext context, RateLimitLease lease, int fallbackSeconds = 1)
    {
        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : fallbackSeconds;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return seconds;
    }
}
