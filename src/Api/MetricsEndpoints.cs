using ModelRegistry.Dashboard.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Hosting;
using ModelRegistry.Dashboard.Telemetry;
using HttpJsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;
using RequestSizeLimitAttribute = Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute;

namespace ModelRegistry.Dashboard.Api;

/// <summary><c>Metrics:*</c>: who may read <c>/metrics</c>.</summary>
public sealed class MetricsExpositionOptions
{
    public const string Section = "Metrics";

    /// <summary>When true, <c>/metrics</c> needs a key (<c>X-Api-Key</c>) or a signed-in user; the anonymous actor is refused.</summary>
    public bool RequireKey { get; set; }
}

/// <summary>
/// <c>/api/v1/metrics</c>: event ingest, live summaries and series (DESIGN.md §5); and <c>/metrics</c> at the root,
/// the same figures for Prometheus, readable without credentials unless <c>Metrics:RequireKey</c>.
/// </summary>
internal static class MetricsEndpoints
{
    public static IEndpointRouteBuilder MapMetricsEndpoints(this IEndpointRouteBuilder app, RouteGroupBuilder api)
    {
        var bodyLimit = app.ServiceProvider.GetRequiredService<IOptions<TelemetryOptions>>().Value.MaxRequestBodyBytes;
        var metrics = api.MapGroup("/metrics").WithTags("Metrics");

        metrics.MapPost("/events", IngestAsync)
            .Accepts<MetricEventBatch>("application/json")
            .Produces<MetricsAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithMetadata(new RequestSizeLimitAttribute(bodyLimit))
            .RequiresRole(ActorRole.Automation)
            .WithSummary($"Record up to {MetricsIngest.MaxEventsPerBatch:N0} metric events; the batch is refused whole on any bad event");

        metrics.MapPost("/aggregates", IngestAggregatesAsync)
            .Produces<MetricsAccepted>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithMetadata(new RequestSizeLimitAttribute(bodyLimit))
            .RequiresRole(ActorRole.Automation)
            .WithSummary("Merge per-series aggregates measured by a standalone gateway (counts, errors by type, tokens, time to first token, latency histogram)");

        metrics.MapGet("/summary", (MetricsQueries queries, string? model, string? environment, string? windowSeconds, CancellationToken ct) =>
                queries.SummarizeAsync(new MetricsSummaryRequest(model, environment, windowSeconds), ct))
            .RequiresRole(ActorRole.Viewer)
            .WithSummary("Live per-version figures of a model over the last windowSeconds (1–900, default 60), with cost");

        metrics.MapGet("/series", (MetricsQueries queries, string? model, string? environment, string? version, string? from, string? to, string? stepSeconds, CancellationToken ct) =>
                queries.SeriesAsync(new MetricSeriesRequest(model, environment, version, from, to, stepSeconds), ct))
            .RequiresRole(ActorRole.Viewer)
            .WithSummary($"One version's figures every stepSeconds from 'from' to 'to' (at most {MetricsQueries.MaxPoints:N0} points)");

        app.MapGet("/metrics", (HttpContext http, PrometheusExposition exposition, IOptionsMonitor<MetricsExpositionOptions> exposure, IOptionsMonitor<AuthOptions> auth) =>
                exposure.CurrentValue.RequireKey && !IsSomeone(http, auth.CurrentValue)
                    ? KeyRequired(http)
                    : Results.Text(exposition.Render(), PrometheusExposition.ContentType))
            .AllowAnonymous()
            .WithTags("Metrics")
            .WithSummary("Per-version figures in the Prometheus text format");

        return app;
    }

    private static async Task<IResult> IngestAsync(
        HttpContext http,
        MetricsIngest ingest,
        IOptions<HttpJsonOptions> json,
        IOptionsMonitor<TelemetryOptions> options,
        CancellationToken cancellationToken)
    {
        var limit = options.CurrentValue.MaxRequestBodyBytes;
        if (http.Request.ContentLength > limit)
        {
            return TooLarge(limit);
        }

        // Kestrel enforces the limit while reading a body sent without a length; the endpoint metadata sets it too.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = limit;
        }

        // Buffer the whole body (it is bounded by the limit), then parse it in one synchronous pass: several times
        // cheaper than deserialising from the stream asynchronously, chunk by chunk.
        var body = http.Request.BodyReader;
        ReadResult read;
        try
        {
            while (true)
            {
                read = await body.ReadAsync(cancellationToken);
                if (read.Buffer.Length > limit)
                {
                    body.AdvanceTo(read.Buffer.End);
                    return TooLarge(limit);
                }

                if (read.IsCompleted)
                {
                    break;
                }

                body.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
        }
        catch (BadHttpRequestException tooLarge) when (tooLarge.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TooLarge(limit);
        }

        MetricEventBatch? batch;
        try
        {
            var reader = new Utf8JsonReader(read.Buffer);
            batch = JsonSerializer.Deserialize<MetricEventBatch>(ref reader, json.Value.SerializerOptions);
        }
        catch (JsonException invalid)
        {
            // Same answer as every other endpoint's unreadable body: 400 naming the JSON path (events[3].latencyMs).
            throw new BadHttpRequestException("The request body is not valid JSON for this endpoint.", StatusCodes.Status400BadRequest, invalid);
        }
        finally
        {
            body.AdvanceTo(read.Buffer.End);
        }

        if (batch is null)
        {
            throw new BadHttpRequestException("Required parameter \"MetricEventBatch batch\" was not provided from body.");
        }

        return await AcceptAsync(http, "events", () => ingest.IngestAsync(http.User.ToActor(), batch.Events, cancellationToken));
    }

    private static Task<IResult> IngestAggregatesAsync(HttpContext http, MetricsIngest ingest, MetricAggregateBatch batch, CancellationToken cancellationToken) =>
        AcceptAsync(http, "aggregates", () => ingest.IngestAggregatesAsync(http.User.ToActor(), batch, cancellationToken));

    /// <summary>202 with the count recorded, or the live-series cap's 429 naming the first item that did not fit.</summary>
    private static async Task<IResult> AcceptAsync(HttpContext http, string list, Func<ValueTask<int>> record)
    {
        try
        {
            return TypedResults.Accepted((string?)null, new MetricsAccepted(await record()));
        }
        catch (LiveSeriesLimitException full)
        {
            http.Response.Headers.RetryAfter = ((int)LiveSeriesLimitException.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                title: "Too many live series",
                detail: full.Message,
                statusCode: StatusCodes.Status429TooManyRequests,
                extensions: new Dictionary<string, object?>
                {
                    ["maxLiveSeries"] = full.Limit,
                    ["errors"] = new Dictionary<string, string[]> { [$"{list}[{full.EventIndex}]"] = [full.Message] },
                });
        }
    }

    /// <summary>A key's actor or a signed-in person: authenticated, and not the anonymous actor of <c>Auth:Anonymous</c>.</summary>
    private static bool IsSomeone(HttpContext http, AuthOptions auth) =>
        http.User.Identity?.IsAuthenticated == true && !ApiRateLimiting.IsAnonymousActor(http.User, auth);

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult KeyRequired(HttpContext http)
    {
        http.Response.Headers.WWWAuthenticate = $"ApiKey header=\"{AuthOptions.ApiKeyHeader}\"";
        return TypedResults.Problem(
            title: "A key is required",
            detail: $"Metrics:RequireKey is on: /metrics needs an API key in {AuthOptions.ApiKeyHeader} (or a signed-in user).",
            statusCode: StatusCodes.Status401Unauthorized);
    }

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult TooLarge(long limit) => TypedResults.Problem(
        title: "Payload too large",
        detail: $"The request body is larger than {limit:N0} bytes. Send at most {MetricsIngest.MaxEventsPerBatch:N0} events per request, in smaller batches.",
        statusCode: StatusCodes.Status413PayloadTooLarge,
        extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["body"] = [$"The body must be at most {limit:N0} bytes."] } });
}
