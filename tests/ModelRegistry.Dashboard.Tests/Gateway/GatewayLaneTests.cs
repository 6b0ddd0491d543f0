using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Demo;
using ModelRegistry.Dashboard.Gateway;
using ModelRegistry.Dashboard.Hosting;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Gateway;

/// <summary>
/// The gateway's own lane in front of the app's pipeline (<see cref="GatewayEndpoints.UseGatewayLane"/>): what the app's
/// middleware did for gateway requests, it still does — keys, the wrong-key throttle, security headers, a failure
/// answered rather than a dropped connection — in the shape OpenAI clients parse; anything else under /gateway goes on
/// to the app.
/// </summary>
public sealed class GatewayLaneTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/gateway/staging/v1/chat/completions", "staging", "chat/completions")]
    [InlineData("/gateway/production/v1/models", "production", "models")]
    [InlineData("/gateway/staging/v1", "staging", "")]
    [InlineData("/gateway/staging/v1/", "staging", "")]
    [InlineData("/Gateway/staging/v1/embeddings", "staging", "embeddings")]
    [InlineData("/gateway/staging/V1/models", "staging", "models")]
    public void The_gateway_shape_takes_the_lane_with_its_environment_and_path(string requestPath, string environment, string path)
    {
        Assert.True(GatewayEndpoints.TryMatch(requestPath, out var matchedEnvironment, out var matchedPath));
        Assert.Equal((environment, path), (matchedEnvironment, matchedPath));
    }

    [Theory]
    [InlineData("/gateway")]
    [InlineData("/gateway/")]
    [InlineData("/gateway/staging")]
    [InlineData("/gateway/staging/v2/chat/completions")]
    [InlineData("/gateway/staging/v1beta/models")]
    [InlineData("/gateway//v1/models")]
    [InlineData("/gateways/staging/v1/models")]
    [InlineData("/api/v1/models")]
    public void Anything_else_goes_on_to_the_app(string requestPath) =>
        Assert.False(GatewayEndpoints.TryMatch(requestPath, out _, out _));

    [Fact]
    public async Task A_path_under_gateway_that_is_not_the_gateway_gets_the_app_s_404()
    {
        await using var app = new DashboardFactory();
        using var client = app.CreateApiKeyClient();

        using var response = await client.GetAsync("/gateway/staging/v2/models", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Gateway_answers_carry_the_security_headers_of_an_answer_that_is_never_a_page()
    {
        await using var app = new DashboardFactory();
        using var client = app.CreateApiKeyClient();

        using var response = await client.PostAsync("/gateway/staging/v1/chat/completions", Chat("no-such-model"), Ct);

        await ShouldBeOpenAIErrorAsync(response, HttpStatusCode.NotFound, "model_not_found");
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("nonce", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wrong_keys_spend_their_address_s_budget_then_every_key_from_it_gets_an_OpenAI_shaped_429()
    {
        await using var app = new DashboardFactory
        {
            Settings = new Dictionary<string, string> { ["RateLimiting:FailedKeyBurst"] = "2", ["RateLimiting:FailedKeysPerMinute"] = "1" },
        };
        using var guesser = ClientFrom(app, "10.0.1.5", "wrong-key-wrong-key-wrong-key");

        for (var i = 0; i < 2; i++)
        {
            using var wrong = await guesser.PostAsync("/gateway/staging/v1/chat/completions", Chat("no-such-model"), Ct);
            await ShouldBeOpenAIErrorAsync(wrong, HttpStatusCode.Unauthorized, "invalid_api_key");
        }

        using var spent = await guesser.PostAsync("/gateway/staging/v1/chat/completions", Chat("no-such-model"), Ct);
        var error = await ShouldBeOpenAIErrorAsync(spent, HttpStatusCode.TooManyRequests, "too_many_wrong_keys");
        Assert.Contains("presented a key that matches none", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(60), spent.Headers.RetryAfter?.Delta);

        // The right key from that address waits too, and is not looked up; from another address it works.
        using var rightKeySameAddress = ClientFrom(app, "10.0.1.5", DashboardFactory.ApiKey);
        using var held = await rightKeySameAddress.PostAsync("/gateway/staging/v1/chat/completions", Chat("no-such-model"), Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, held.StatusCode);
        using var rightKeyElsewhere = ClientFrom(app, "10.0.1.6", DashboardFactory.ApiKey);
        using var answered = await rightKeyElsewhere.PostAsync("/gateway/staging/v1/chat/completions", Chat("no-such-model"), Ct);
        await ShouldBeOpenAIErrorAsync(answered, HttpStatusCode.NotFound, "model_not_found");
    }

    [Theory]
    [InlineData(ActorRole.Automation, HttpStatusCode.NotFound)]
    [InlineData(ActorRole.Viewer, HttpStatusCode.Unauthorized)]
    public async Task Without_a_key_the_caller_is_whoever_the_app_makes_of_the_request(ActorRole anonymousRole, HttpStatusCode expected)
    {
        await using var app = new DashboardFactory { AnonymousRole = anonymousRole };
        using var client = app.CreateClient();

        using var response = await client.PostAsync("/gateway/staging/v1/chat/completions", Chat("no-such-model"), Ct);

        await ShouldBeOpenAIErrorAsync(response, expected, expected == HttpStatusCode.NotFound ? "model_not_found" : "invalid_api_key");
    }

    [Fact]
    public async Task A_failure_inside_the_gateway_is_logged_and_answered_with_an_OpenAI_shaped_500()
    {
        var logs = new CapturedLogs(LogLevel.Error);
        await using var app = AppWhoseRoutesThrow(new InvalidOperationException(FailingRoutes.Secret), logs);
        using var client = app.CreateApiKeyClient();

        using var response = await client.PostAsync("/gateway/staging/v1/chat/completions", Chat("support-chat"), Ct);

        var error = await ShouldBeOpenAIErrorAsync(response, HttpStatusCode.InternalServerError, "internal_error");
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.DoesNotContain(FailingRoutes.Secret, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains(logs.Lines, line => line.Contains(FailingRoutes.Secret, StringComparison.Ordinal) && line.Contains("/gateway/staging/v1/chat/completions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_busy_database_is_answered_503_with_Retry_After_and_not_logged_as_an_error()
    {
        var logs = new CapturedLogs(LogLevel.Error);
        await using var app = AppWhoseRoutesThrow(new Microsoft.Data.Sqlite.SqliteException("database is locked", 5), logs);
        using var client = app.CreateApiKeyClient();

        using var response = await client.PostAsync("/gateway/staging/v1/chat/completions", Chat("support-chat"), Ct);

        var error = await ShouldBeOpenAIErrorAsync(response, HttpStatusCode.ServiceUnavailable, "database_busy");
        Assert.Equal("server_error", error.GetProperty("type").GetString());
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.DoesNotContain(logs.Lines, line => line.Contains("/gateway/staging/v1/chat/completions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_request_the_server_finds_malformed_is_the_caller_s_error_with_its_own_status()
    {
        var logs = new CapturedLogs(LogLevel.Error);
        await using var app = AppWhoseRoutesThrow(new BadHttpRequestException("Unexpected end of request content.", StatusCodes.Status400BadRequest), logs);
        using var client = app.CreateApiKeyClient();

        using var response = await client.PostAsync("/gateway/staging/v1/chat/completions", Chat("support-chat"), Ct);

        var error = await ShouldBeOpenAIErrorAsync(response, HttpStatusCode.BadRequest, "bad_request");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("Unexpected end of request content.", error.GetProperty("message").GetString());
        Assert.Empty(logs.Lines);
    }

    [Fact]
    public async Task Outside_Development_a_gateway_answer_over_HTTPS_carries_the_app_s_HSTS()
    {
        await using var app = new ProductionDashboardFactory();
        using var client = app.CreateApiKeyClient();
        client.BaseAddress = new Uri("https://dashboard.example");

        using var response = await client.PostAsync("/gateway/staging/v1/chat/completions", Chat("no-such-model"), Ct);

        await ShouldBeOpenAIErrorAsync(response, HttpStatusCode.NotFound, "model_not_found");
        Assert.Equal("max-age=2592000", response.Headers.GetValues("Strict-Transport-Security").Single());
    }

    [Fact]
    public async Task A_key_added_to_configuration_is_honoured_and_a_removed_one_refused_without_a_restart()
    {
        var options = new ChangingOptions(Keys(("first", "first-key-0123456789")));
        var keys = new ApiKeyAuthenticator(options);

        Assert.Equal("apikey:first", (await keys.AuthenticateAsync("first-key-0123456789", demoAllowed: false, Ct))?.Name);

        options.CurrentValue = Keys(("second", "second-key-0123456789"));

        Assert.Null(await keys.AuthenticateAsync("first-key-0123456789", demoAllowed: false, Ct));
        Assert.Equal("apikey:second", (await keys.AuthenticateAsync("second-key-0123456789", demoAllowed: false, Ct))?.Name);
        Assert.Null(await keys.AuthenticateAsync("second-key-012345678", demoAllowed: false, Ct));
        Assert.Null(await keys.AuthenticateAsync(new string('x', 4096), demoAllowed: false, Ct));
    }

    [Fact]
    public async Task The_demo_s_own_key_counts_only_where_the_caller_allows_it()
    {
        var demo = new DemoGatewayKey();
        var keys = new ApiKeyAuthenticator(new ChangingOptions(Keys()), demoKey: demo);

        Assert.Equal(DemoGatewayKey.ActorName, (await keys.AuthenticateAsync(demo.Value, demoAllowed: true, Ct))?.Name);
        Assert.Null(await keys.AuthenticateAsync(demo.Value, demoAllowed: false, Ct));
    }

    /// <summary>The app with a route source that throws <paramref name="failure"/>, its error logs in <paramref name="logs"/>.</summary>
    private static DashboardFactory AppWhoseRoutesThrow(Exception failure, CapturedLogs logs) => new()
    {
        TestServices = services =>
        {
            services.AddSingleton<ILoggerProvider>(logs);
            services.AddSingleton<IGatewayRoutes>(new FailingRoutes(failure));
        },
    };

    private static AuthOptions Keys(params (string Name, string Key)[] keys) =>
        new() { ApiKeys = [.. keys.Select(k => new ApiKeyOptions { Name = k.Name, Key = k.Key, Role = ActorRole.Automation })] };

    private static StringContent Chat(string model) =>
        new($$"""{"model":"{{model}}","messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json");

    private static async Task<JsonElement> ShouldBeOpenAIErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == status, $"{(int)response.StatusCode}, expected {(int)status}: {body}");
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        return error;
    }

    /// <summary>A client whose requests arrive from <paramref name="address"/>, with <paramref name="key"/> as a bearer token.</summary>
    private static HttpClient ClientFrom(DashboardFactory factory, string address, string key)
    {
        var client = factory.CreateClientFrom(address);
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private sealed class FailingRoutes(Exception failure) : IGatewayRoutes
    {
        public const string Secret = "route table exploded";

        public ValueTask<LiveRoute?> FindAsync(string environment, string model, CancellationToken cancellationToken) =>
            throw failure;

        public Task<bool> IsRegisteredAsync(string model, CancellationToken cancellationToken) => Task.FromResult(true);

        public bool IsServing(string model, string version) => true;
    }

    private sealed class ChangingOptions(AuthOptions value) : IOptionsMonitor<AuthOptions>
    {
        public AuthOptions CurrentValue { get; set; } = value;

        public AuthOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<AuthOptions, string?> listener) => null;
    }
}
