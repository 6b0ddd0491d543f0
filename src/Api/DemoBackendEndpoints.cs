using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Demo;

namespace ModelRegistry.Dashboard.Api;

/// <summary>
/// <c>/demo-backends/{model}/{version}/</c>: simulated model endpoints for the demo (only when <c>Demo:Enabled</c>),
/// answering <c>GET health</c> and an OpenAI-shaped <c>POST v1/chat/completions</c> with the latency, failures and
/// tokens configured for the version (<see cref="DemoBackendSimulator"/>). Any model and version answers; unconfigured
/// ones behave as <c>Demo:BackendDefaults</c>. Open to anonymous callers, like a model server would be to the gateway.
/// </summary>
public static class DemoBackendEndpoints
{
    public static WebApplication MapDemoBackends(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<DemoOptions>>().Value.Enabled)
        {
            return app;
        }

        var server = app.Services.GetRequiredService<IServer>();
        app.Services.GetRequiredService<DemoBackendAddress>()
            .UseServerAddresses(() => server.Features.Get<IServerAddressesFeature>()?.Addresses);

        var backends = app.MapGroup(DemoBackendAddress.PathBase + "/{model}/{version}")
            .AllowAnonymous() // simulated model servers: the gateway and the probes call them without credentials
            .WithTags("Demo backends")
            .ExcludeFromDescription();
        backends.MapGet("/health", Health);
        backends.MapPost("/v1/chat/completions", CompleteAsync);
        return app;
    }

    private static IResult Health(DemoBackendSimulator simulator, string model, string version) =>
        simulator.BehaviourOf(model, version).Healthy
            ? TypedResults.Ok(new { status = "ok", model, version })
            : TypedResults.Json(
                new { status = "unhealthy", model, version, reason = $"Configured unhealthy (Demo:Backends:{model}:{version}:Healthy=false)." },
                statusCode: StatusCodes.Status500InternalServerError);

    private static async Task<IResult> CompleteAsync(
        DemoBackendSimulator simulator,
        TimeProvider clock,
        string model,
        string version,
        ChatCompletionRequest? request,
        CancellationToken ct)
    {
        if (request?.Messages is not { Count: > 0 } messages)
        {
            return TypedResults.Json(
                new OpenAIErrorResponse(new OpenAIError("'messages' must be a non-empty array of {role, content}.", "invalid_request_error", "messages", null)),
                statusCode: StatusCodes.Status400BadRequest);
        }

        var plan = simulator.Plan(model, version, request.EstimatePromptTokens());
        await Task.Delay(plan.Latency, clock, ct);
        if (plan.Fails)
        {
            return TypedResults.Json(
                new OpenAIErrorResponse(new OpenAIError("The server had an error while processing your request (simulated failure).", "server_error", null, "simulated_failure")),
                statusCode: StatusCodes.Status500InternalServerError);
        }

        var answer = $"[{model} {version}] A simulated answer to \"{Shorten(messages[^1].Content)}\" in {plan.CompletionTokens} tokens.";
        return TypedResults.Ok(new ChatCompletionResponse(
            $"chatcmpl-{Guid.NewGuid():N}",
            "chat.completion",
            clock.GetUtcNow().ToUnixTimeSeconds(),
            request.Model ?? $"{model}-{version}",
            [new ChatChoice(0, new ChatMessage("assistant", answer), "stop")],
            new ChatUsage(plan.PromptTokens, plan.CompletionTokens, plan.PromptTokens + plan.CompletionTokens)));
    }

    private static string Shorten(string? text) =>
        text is null ? "" : text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 57), "...");
}
