using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelRegistry.Dashboard.Demo;
using ModelRegistry.Dashboard.Tests.Health;

namespace ModelRegistry.Dashboard.Tests.Demo;

/// <summary>What one demo request looks like on the wire to the gateway, against a stubbed gateway.</summary>
public sealed class DemoGatewayClientTests
{
    private static readonly ChatCompletionRequest Request = new("support-chat", [new ChatMessage("user", "Where is my order?")]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DemoGatewayClient Client(HttpMessageHandler handler, DemoGatewayKey? key = null, double timeoutSeconds = 30) =>
        new(new StubHttpClientFactory(handler), key ?? new DemoGatewayKey(),
            new FixedOptions<DemoTrafficOptions>(new DemoTrafficOptions { TimeoutSeconds = timeoutSeconds }), TimeProvider.System);

    [Fact]
    public async Task A_request_is_an_openai_chat_completion_to_the_environments_gateway_with_the_users_session_and_the_demo_key()
    {
        var key = new DemoGatewayKey();
        (string? Authorization, string? Session, JsonElement Body) seen = default;
        var handler = new StubHandler(async (request, ct) =>
        {
            seen = (request.Headers.Authorization?.ToString(), request.Headers.GetValues("X-Session-Id").Single(),
                await request.Content!.ReadFromJsonAsync<JsonElement>(ct));
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("{}") };
            response.Headers.Add("X-Model-Version", "2.0.0");
            return response;
        });

        var answer = await Client(handler, key).SendAsync("http://127.0.0.1:41234/", "staging", "support-chat-user-0042", Request, Ct);

        Assert.Equal(new Uri("http://127.0.0.1:41234/gateway/staging/v1/chat/completions"), Assert.Single(handler.Requested));
        Assert.Equal("Bearer " + key.Value, seen.Authorization);
        Assert.Equal("support-chat-user-0042", seen.Session);
        Assert.Equal("support-chat", seen.Body.GetProperty("model").GetString());
        Assert.Equal("Where is my order?", seen.Body.GetProperty("messages")[0].GetProperty("content").GetString());
        Assert.Equal(new DemoGatewayAnswer(200, "2.0.0"), answer);
    }

    [Fact]
    public async Task A_refusal_before_any_version_was_chosen_has_no_version()
    {
        var answer = await Client(StubHandler.Status(HttpStatusCode.Unauthorized)).SendAsync("http://127.0.0.1:41234", "production", "u", Request, Ct);

        Assert.Equal(new DemoGatewayAnswer(401, null), answer);
    }

    [Fact]
    public async Task A_request_that_outlives_the_timeout_is_cancelled()
    {
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            Client(StubHandler.Hangs(), timeoutSeconds: 0.2).SendAsync("http://127.0.0.1:41234", "staging", "u", Request, Ct));
    }

    [Fact]
    public void Each_process_has_its_own_key_and_only_it_matches()
    {
        var key = new DemoGatewayKey();

        Assert.NotEqual(key.Value, new DemoGatewayKey().Value);
        Assert.True(key.Value.Length > 64);
        Assert.True(key.Matches(System.Text.Encoding.UTF8.GetBytes(key.Value)));
        Assert.False(key.Matches(System.Text.Encoding.UTF8.GetBytes(new DemoGatewayKey().Value)));
        Assert.False(key.Matches([]));
    }
}
