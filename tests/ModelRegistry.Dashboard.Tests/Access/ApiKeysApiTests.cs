using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelRegistry.Dashboard.Telemetry;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Access;

/// <summary>
/// <c>/api/v1/api-keys</c>: keys made in the app. The secret is shown once and never again (not in lists, the audit log
/// or the logs); a scoped key is refused outside its scope with nothing recorded; a revoked key fails its next request.
/// </summary>
public sealed class ApiKeysApiTests : IAsyncLifetime
{
    private static readonly string[] Staging = ["staging"];

    private readonly CapturedLogs _logs = new(LogLevel.Debug);
    private readonly DashboardFactory _app;
    private readonly string _model = Seed.UniqueName("keyed");
    private readonly string _other = Seed.UniqueName("other");
    private HttpClient _admin = null!;

    public ApiKeysApiTests()
    {
        _app = new DashboardFactory
        {
            Settings = new Dictionary<string, string> { ["Logging:LogLevel:Default"] = "Debug", ["Logging:LogLevel:Microsoft.AspNetCore"] = "Debug" },
            TestServices = services => services.AddSingleton<ILoggerProvider>(_logs),
        };
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _admin = _app.CreateClient(); // the anonymous actor here is an Admin
        await Seed.ModelAsync(_admin, _model);
        await Seed.VersionAsync(_admin, _model, "1.0.0");
        await Seed.ModelAsync(_admin, _other);
        await Seed.VersionAsync(_admin, _other, "1.0.0");
    }

    public async ValueTask DisposeAsync()
    {
        _admin.Dispose();
        await _app.DisposeAsync();
    }

    private async Task<JsonElement> CreateAsync(object body)
    {
        using var response = await _admin.PostAsJsonAsync("/api/v1/api-keys", body, Ct);
        return await response.ReadJsonAsync(HttpStatusCode.Created);
    }

    private static object Event(string model) => new { events = new[] { new { model, version = "1.0.0", environment = "staging", latencyMs = 100, success = true } } };

    [Fact]
    public async Task A_created_key_is_shown_once_with_a_recognisable_prefix_and_then_only_by_its_prefix()
    {
        var created = await CreateAsync(new { name = "ci-deploy", role = "Automation" });

        var secret = created.GetProperty("secret").GetString()!;
        var prefix = created.GetProperty("prefix").GetString()!;
        Assert.Matches("^mrk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$", secret); // 256 random bits, base64url
        Assert.StartsWith(prefix + "_", secret, StringComparison.Ordinal);
        var list = await _admin.GetStringAsync("/api/v1/api-keys", Ct);
        var audit = await _admin.GetStringAsync("/api/v1/audit?action=api-key.created", Ct);
        Assert.Contains(prefix, list, StringComparison.Ordinal);
        Assert.Contains("ci-deploy", audit, StringComparison.Ordinal);
        var hidden = secret[(prefix.Length + 1)..];
        Assert.DoesNotContain(hidden, list, StringComparison.Ordinal);
        Assert.DoesNotContain(hidden, audit, StringComparison.Ordinal);
        Assert.DoesNotContain("secretHash", list, StringComparison.OrdinalIgnoreCase);

        using var keyed = _app.CreateApiKeyClient(secret);
        using var posted = await keyed.PostAsJsonAsync("/api/v1/metrics/events", Event(_model), Ct);
        await posted.ShouldHaveStatusAsync(HttpStatusCode.Accepted);
        Assert.DoesNotContain(hidden, _logs.All, StringComparison.Ordinal);
        var listed = (await _admin.GetFromJsonAsync<JsonElement>("/api/v1/api-keys", Ct)).EnumerateArray().Single(k => k.GetProperty("prefix").GetString() == prefix);
        Assert.Equal(JsonValueKind.String, listed.GetProperty("lastUsedAt").ValueKind);
        Assert.Equal("active", listed.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_scoped_key_posting_events_for_another_model_gets_403_naming_the_scope_and_nothing_is_recorded()
    {
        var secret = (await CreateAsync(new { name = "scoped", role = "Automation", scopes = new { models = new[] { _model }, environments = Staging } }))
            .GetProperty("secret").GetString()!;
        using var keyed = _app.CreateApiKeyClient(secret);

        using var inside = await keyed.PostAsJsonAsync("/api/v1/metrics/events", Event(_model), Ct);
        using var outside = await keyed.PostAsJsonAsync("/api/v1/metrics/events", Event(_other), Ct);

        await inside.ShouldHaveStatusAsync(HttpStatusCode.Accepted);
        var problem = await outside.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains($"scoped to model(s) {_model}", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var summary = await _admin.GetFromJsonAsync<MetricsSummaryResult>($"/api/v1/metrics/summary?model={_other}&environment=staging", ApiJson.Options, Ct);
        Assert.All(summary!.Versions, v => Assert.Equal(0, v.Requests));
    }

    [Fact]
    public async Task A_scoped_inference_key_calls_the_gateway_only_for_its_models_in_its_environments()
    {
        var secret = (await CreateAsync(new { name = "chat-staging", role = "Inference", scopes = new { models = new[] { _model }, environments = Staging } }))
            .GetProperty("secret").GetString()!;
        using var keyed = _app.CreateClient();
        keyed.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);

        async Task<JsonElement> CallAsync(string environment, string model, HttpStatusCode expected)
        {
            using var response = await keyed.PostAsJsonAsync($"/gateway/{environment}/v1/chat/completions", new { model, messages = new[] { new { role = "user", content = "hi" } } }, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == expected, $"{environment}/{model}: {(int)response.StatusCode} {body}");
            return JsonDocument.Parse(body).RootElement.GetProperty("error");
        }

        var otherModel = await CallAsync("staging", _other, HttpStatusCode.Forbidden);
        var otherEnvironment = await CallAsync("production", _model, HttpStatusCode.Forbidden);
        var inside = await CallAsync("staging", _model, HttpStatusCode.NotFound); // inside the scope: no route there yet

        Assert.Equal("outside_key_scope", otherModel.GetProperty("code").GetString());
        Assert.Contains($"scoped to model(s) {_model}", otherModel.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("scoped to environment(s) staging", otherEnvironment.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("route_not_found", inside.GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_scoped_operator_key_cannot_launch_a_deployment_outside_its_environment()
    {
        var secret = (await CreateAsync(new { name = "staging-only", role = "Operator", scopes = new { environments = Staging } }))
            .GetProperty("secret").GetString()!;
        using var keyed = _app.CreateApiKeyClient(secret);

        using var response = await keyed.PostAsJsonAsync("/api/v1/deployments",
            new { model = _model, version = "1.0.0", environment = "production", strategy = "direct", reason = "scope test" }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        Assert.Contains("scoped to environment(s) staging", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_key_gets_401_on_its_very_next_request()
    {
        var created = await CreateAsync(new { name = "short-lived", role = "Automation" });
        using var keyed = _app.CreateApiKeyClient(created.GetProperty("secret").GetString()!);
        using (var before = await keyed.PostAsJsonAsync("/api/v1/metrics/events", Event(_model), Ct))
        {
            await before.ShouldHaveStatusAsync(HttpStatusCode.Accepted);
        }

        using (var revoke = await _admin.DeleteAsync($"/api/v1/api-keys/{created.GetProperty("id").GetInt64()}", Ct))
        {
            await revoke.ShouldHaveStatusAsync(HttpStatusCode.NoContent);
        }

        using var after = await keyed.PostAsJsonAsync("/api/v1/metrics/events", Event(_model), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        var listed = (await _admin.GetFromJsonAsync<JsonElement>("/api/v1/api-keys", Ct)).EnumerateArray().Single(k => k.GetProperty("name").GetString() == "short-lived");
        Assert.Equal("revoked", listed.GetProperty("status").GetString());
    }

    [Fact]
    public async Task An_inference_key_may_call_the_gateway_and_nothing_else()
    {
        var secret = (await CreateAsync(new { name = "chat-frontend", role = "Inference" })).GetProperty("secret").GetString()!;
        using var keyed = _app.CreateApiKeyClient(secret);

        using var api = await keyed.GetAsync("/api/v1/models", Ct);
        using var events = await keyed.PostAsJsonAsync("/api/v1/metrics/events", Event(_model), Ct);
        using var gateway = new HttpRequestMessage(HttpMethod.Post, "/gateway/staging/v1/chat/completions")
        {
            Content = JsonContent.Create(new { model = "no-such-model", messages = new[] { new { role = "user", content = "hi" } } }),
        };
        gateway.Headers.Authorization = new("Bearer", secret);
        using var answer = await _app.CreateClient().SendAsync(gateway, Ct);

        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, events.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode); // past authentication: the gateway looked the model up
        Assert.Contains("model_not_found", await answer.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_made_up_key_with_the_prefix_is_401()
    {
        using var keyed = _app.CreateApiKeyClient("mrk_00000000_" + new string('A', 43));

        using var response = await keyed.GetAsync("/api/v1/models", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"role\":\"Automation\"}", "name")]
    [InlineData("{\"name\":\"k\",\"role\":\"Root\"}", "role")]
    [InlineData("{\"name\":\"k\",\"role\":\"Automation\",\"scopes\":{\"models\":[\"no-such-model\"]}}", "scopes.models")]
    [InlineData("{\"name\":\"k\",\"role\":\"Automation\",\"scopes\":{\"environments\":[\"moon\"]}}", "scopes.environments")]
    [InlineData("{\"name\":\"k\",\"role\":\"Automation\",\"expiresAt\":\"2001-01-01T00:00:00Z\"}", "expiresAt")]
    public async Task Bad_input_is_refused_naming_the_field_and_no_key_is_made(string json, string field)
    {
        using var response = await _admin.PostRawJsonAsync("/api/v1/api-keys", json);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
        Assert.Equal(0, (await _admin.GetFromJsonAsync<JsonElement>("/api/v1/api-keys", Ct)).GetArrayLength());
    }

    [Fact]
    public async Task Only_an_admin_makes_keys()
    {
        using var automation = _app.CreateApiKeyClient();

        using var response = await automation.PostAsJsonAsync("/api/v1/api-keys", new { name = "escalate", role = "Admin" }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }
}
