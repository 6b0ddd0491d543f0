using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Health;
using ModelRegistry.Dashboard.Hosting;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Telemetry;
using Yarp.ReverseProxy.Forwarder;

namespace ModelRegistry.Dashboard.Gateway;

/// <summary>One proxied request, from the caller's key to the recorded measurement.</summary>
internal sealed class GatewayForwarder(
    IHttpForwarder forwarder,
    GatewayHttpClient client,
    IGatewayRoutes routes,
    IGatewayRecorder metrics,
    IEndpointAddressResolver addresses,
    IOptionsMonitor<GatewayOptions> options,
    GatewayAnswerHeaders answerHeaders,
    TimeProvider clock)
{
    /// <summary>Forwards the request of <paramref name="caller"/>, who may call the gateway (<see cref="Actor.CanCallGateway"/>).</summary>
    public async Task ForwardAsync(HttpContext context, Actor caller, string environment, string path)
    {
        Debug.Assert(caller.CanCallGateway, "The lane lets only callers of the gateway through.");
        var settings = options.CurrentValue;
        var body = await ReadBodyAsync(context, settings.MaxRequestBodyBytes);
        if (body is null)
        {
            await OpenAIErrors.WriteAsync(context, StatusCodes.Status413PayloadTooLarge,
                $"The request body is larger than the gateway accepts ({settings.MaxRequestBodyBytes:N0} bytes, Gateway:MaxRequestBodyBytes).", "invalid_request_error", "request_too_large");
            return;
        }

        GatewayRequest request;
        try
        {
            request = body.Length > 0 ? GatewayRequest.Parse(body) : new GatewayRequest(context.Request.Query["model"].FirstOrDefault(), false, null);
        }
        catch (JsonException e)
        {
            await OpenAIErrors.WriteAsync(context, StatusCodes.Status400BadRequest, $"The request body is not valid JSON: {e.Message}", "invalid_request_error", "invalid_json");
            return;
        }

        if (string.IsNullOrWhiteSpace(request.Model))
        {
            await OpenAIErrors.WriteAsync(context, StatusCodes.Status400BadRequest,
                "'model' is required: name a registered model (e.g. \"support-chat\"); the gateway picks its version.", "invalid_request_error", "model_required", "model");
            return;
        }

        // A scoped key calls only its models in its environments, here as on the API (checked before the route is
        // looked up, so a key learns nothing about models outside its scope).
        if (caller.Scope?.Refusal(request.Model, environment) is { } outside)
        {
            await OpenAIErrors.WriteAsync(context, StatusCodes.Status403Forbidden,
                $"{caller.Name} may not call the gateway here: {outside}", "invalid_request_error", "outside_key_scope", "model");
            return;
        }

        LiveRoute? route;
        try
        {
            route = await routes.FindAsync(environment, request.Model, context.RequestAborted);
        }
        catch (ControlPlaneUnavailableException unavailable)
        {
            await OpenAIErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, unavailable.Message, "server_error", "control_plane_unavailable");
            return;
        }

        if (route is null)
        {
            var known = await routes.IsRegisteredAsync(request.Model, context.RequestAborted);
            await OpenAIErrors.WriteAsync(context, StatusCodes.Status404NotFound,
                known
                    ? $"Model '{request.Model}' has no route in environment '{environment}': deploy a version there first."
                    : $"The model '{request.Model}' is not registered.",
                "invalid_request_error", known ? "route_not_found" : "model_not_found", "model");
            return;
        }

        var session = context.Request.Headers[GatewayEndpoints.SessionHeader].FirstOrDefault() ?? request.User;
        var version = route.Split.Pick(session, static (state, v) => state.routes.IsServing(state.Model, v), (routes, request.Model), Random.Shared);
        if (version is null || !route.Targets.TryGetValue(version, out var target))
        {
            await OpenAIErrors.WriteAsync(context, StatusCodes.Status503ServiceUnavailable,
                $"Model '{request.Model}' has no version receiving traffic in environment '{environment}'.", "server_error", "no_serving_version");
            return;
        }

        var forwarded = target.UpstreamModel is { } upstream && upstream != request.Model ? GatewayRequest.WithModel(body, upstream) : body;
        context.Request.Body = new MemoryStream(forwarded, writable: false);
        context.Request.ContentLength = forwarded.Length;
        context.Response.Headers[GatewayEndpoints.VersionHeader] = version;
        context.Response.Headers[GatewayEndpoints.RevisionHeader] = route.Split.Revision.ToString(CultureInfo.InvariantCulture);

        var started = clock.GetTimestamp();
        var callerBody = context.Response.Body;
        await using var meter = new ResponseMeter(callerBody, clock, started) { EventStream = request.Stream };
        context.Response.Body = meter;
        ForwarderError error;
        try
        {
            error = await forwarder.SendAsync(
                context,
                addresses.Resolve(target.Endpoint),
                client.Invoker,
                RequestConfig(settings.UpstreamTimeout),
                new GatewayTransformer(path, settings.CredentialFor(target.Endpoint)?.ApiKey, answerHeaders));
        }
        finally
        {
            context.Response.Body = callerBody;
        }

        meter.Complete();
        var elapsed = clock.GetElapsedTime(started);
        var errorType = Classify(error, context);
        if (errorType is not null && !context.Response.HasStarted)
        {
            answerHeaders.Apply(context); // YARP cleared the response, headers included
            await OpenAIErrors.WriteAsync(context, error == ForwarderError.RequestTimedOut ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway,
                $"Version {version} of '{request.Model}' did not answer ({errorType}).", "server_error", errorType);
        }

        if (errorType != Cancelled)
        {
            var usage = meter.Usage ?? (0, 0);
            metrics.Record(new MetricEvent(
                new SeriesKey(environment, request.Model, version),
                clock.GetUtcNow().UtcDateTime,
                elapsed.TotalMilliseconds,
                errorType is null,
                usage.Input,
                usage.Output,
                errorType,
                request.Stream && errorType is null && meter.FirstByte is { } firstByte ? firstByte.TotalMilliseconds : null));
        }
    }

    private const string Cancelled = "cancelled";

    private ForwarderRequestConfig _requestConfig = new();

    /// <summary>One request config per upstream timeout (it is immutable), not one per request.</summary>
    private ForwarderRequestConfig RequestConfig(TimeSpan timeout)
    {
        var config = Volatile.Read(ref _requestConfig);
        if (config.ActivityTimeout != timeout)
        {
            config = new ForwarderRequestConfig { ActivityTimeout = timeout };
            Volatile.Write(ref _requestConfig, config);
        }

        return config;
    }

    /// <summary>
    /// The taxonomy of one finished request: null for a success; upstream errors, timeouts and connection failures
    /// count against the version, 429 and other 4xx answers do not, and a caller that went away is not a measurement.
    /// </summary>
    private static string? Classify(ForwarderError error, HttpContext context) => error switch
    {
        ForwarderError.None => context.Response.StatusCode switch
        {
            < 400 => null,
            StatusCodes.Status429TooManyRequests => ErrorTypes.RateLimited,
            < 500 => ErrorTypes.ClientError,
            _ => ErrorTypes.UpstreamError,
        },
        ForwarderError.RequestTimedOut => ErrorTypes.Timeout,
        ForwarderError.Request => context.Features.Get<IForwarderErrorFeature>()?.Exception is TimeoutException ? ErrorTypes.Timeout : ErrorTypes.Connection,
        ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled
            or ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyClient => Cancelled,
        _ => ErrorTypes.UpstreamError,
    };

    /// <summary>
    /// The whole body, or null when it is larger than <paramref name="limit"/> (nothing more is read then). With a
    /// Content-Length (what OpenAI clients send) it is read straight into an array of that size: no 16 KB chunk and no
    /// second copy per request, which showed in the gateway benchmark (docs/benchmarks.md, f).
    /// </summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpContext context, int limit)
    {
        if (context.Request.ContentLength is { } length)
        {
            if (length > limit)
            {
                return null;
            }

            var body = new byte[length];
            await context.Request.Body.ReadExactlyAsync(body, context.RequestAborted);
            return body;
        }

        using var buffer = new MemoryStream(4096);
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await context.Request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }
}

/// <summary>
/// Rewrites the outgoing request: <c>{endpoint}v1/{path}</c>, the caller's credentials and session header removed, the
/// upstream's own key added when configured; the answer's headers are the upstream's with ours on top.
/// </summary>
internal sealed class GatewayTransformer(string path, string? upstreamKey, GatewayAnswerHeaders answerHeaders) : HttpTransformer
{
    public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var proceed = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        answerHeaders.Apply(httpContext);
        return proceed;
    }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var prefix = destinationPrefix.EndsWith('/') ? destinationPrefix : destinationPrefix + "/";
        proxyRequest.RequestUri = new Uri(prefix + "v1/" + path + httpContext.Request.QueryString.Value, UriKind.Absolute);
        proxyRequest.Headers.Remove("Authorization");
        proxyRequest.Headers.Remove(AuthOptions.ApiKeyHeader);
        proxyRequest.Headers.Remove(GatewayEndpoints.SessionHeader);
        proxyRequest.Headers.Host = null;
        if (upstreamKey is not null)
        {
            proxyRequest.Headers.TryAddWithoutValidation("Authorization", "Bearer " + upstreamKey);
        }
    }
}

/// <summary>The one connection pool to the upstreams: no proxy, no redirects followed, no cookies, no decompression.</summary>
internal sealed class GatewayHttpClient(EndpointGuard guard) : IDisposable
{
    /// <summary>
    /// Redirects are handed back to the caller, never followed; outside Development every connection goes through the
    /// <see cref="EndpointGuard"/>, so a version's host that resolves to loopback, link-local or metadata addresses is not dialled.
    /// </summary>
    public HttpMessageInvoker Invoker { get; } = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
        ConnectTimeout = TimeSpan.FromSeconds(15),
        ConnectCallback = guard.Enforced ? (context, ct) => guard.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, ct) : null,
    });

    public void Dispose() => Invoker.Dispose();
}
