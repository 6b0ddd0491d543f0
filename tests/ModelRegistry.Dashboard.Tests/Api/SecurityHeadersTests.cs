using System.Net;
using System.Text.RegularExpressions;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Api;

/// <summary>
/// Issue 12's browser hardening on every kind of response: pages, API answers, refusals, not-found, health. The policy
/// itself is proven in a real browser by the EndToEnd project's ContentSecurityPolicyTests.
/// </summary>
public sealed partial class SecurityHeadersTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("/", HttpStatusCode.OK)]
    [InlineData("/api/v1/environments", HttpStatusCode.OK)]
    [InlineData("/api/v1/models/no-such-model", HttpStatusCode.NotFound)]
    [InlineData("/healthz", HttpStatusCode.OK)]
    [InlineData("/metrics", HttpStatusCode.OK)]
    [InlineData("/account/login", HttpStatusCode.OK)]
    public async Task Every_response_carries_the_policy_no_framing_no_sniffing_and_a_strict_referrer_policy(string path, HttpStatusCode status)
    {
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(path, Ct);

        Assert.Equal(status, response.StatusCode);
        AssertHardened(response);
    }

    [Fact]
    public async Task A_refused_key_gets_the_headers_too()
    {
        using var client = factory.CreateApiKeyClient("not-a-key-not-a-key-not-a-key");

        using var response = await client.GetAsync("/api/v1/environments", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        AssertHardened(response);
    }

    [Fact]
    public async Task The_page_s_one_inline_script_carries_this_response_s_nonce_and_every_response_has_its_own()
    {
        using var client = factory.CreateClient();

        using var first = await client.GetAsync("/", Ct);
        using var second = await client.GetAsync("/", Ct);

        var nonce = Nonce(first);
        Assert.NotEqual(nonce, Nonce(second));
        var html = await first.Content.ReadAsStringAsync(Ct);
        var inline = InlineScript().Matches(html).Select(m => WebUtility.HtmlDecode(m.Value)).ToList();
        Assert.NotEmpty(inline);
        Assert.All(inline, script => Assert.Contains($"nonce=\"{nonce}\"", script, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Answers_that_are_not_pages_get_the_policy_without_a_nonce_and_pages_always_get_one()
    {
        using var client = factory.CreateClient();

        using var json = await client.GetAsync("/api/v1/environments", Ct);
        using var metrics = await client.GetAsync("/metrics", Ct);
        using var page = await client.GetAsync("/", Ct);

        Assert.All([json, metrics], response =>
        {
            AssertHardened(response);
            Assert.Contains("script-src 'self';", Assert.Single(response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
            Assert.Empty(Nonce(response));
        });
        Assert.NotEmpty(Nonce(page));
    }

    private static void AssertHardened(HttpResponseMessage response)
    {
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", policy, StringComparison.Ordinal);
        Assert.DoesNotMatch("script-src[^;]*unsafe-inline", policy);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
        Assert.Equal("strict-origin-when-cross-origin", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    private static string Nonce(HttpResponseMessage response) =>
        NonceSource().Match(Assert.Single(response.Headers.GetValues("Content-Security-Policy"))).Groups[1].Value;

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex NonceSource();

    /// <summary>A script element with no <c>src</c>: inline code (the import map).</summary>
    [GeneratedRegex("<script(?![^>]*\\ssrc=)[^>]*>")]
    private static partial Regex InlineScript();
}
