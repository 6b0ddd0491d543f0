using System.Net;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Api;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Access;

/// <summary>
/// Issue 12's authorization matrix, generated from the app's own endpoint data source: every API endpoint declares the
/// least role it serves (<see cref="MinimumRole"/>) — one added without it fails here — and every endpoint × every
/// role gets what that declaration says: 403 below it, never 401/403 (nor a 5xx) at or above it; with anonymous access
/// off, a caller with nothing gets 401 everywhere but the few endpoints marked anonymous.
/// </summary>
public sealed class AuthorizationMatrixTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<ActorRole> Roles => [.. Enum.GetValues<ActorRole>()];

    /// <summary>The endpoints a caller reaches without anyone signed in, on purpose.</summary>
    private static readonly string[] Anonymous = ["/healthz", "/metrics"];

    private static List<(string Method, RouteEndpoint Endpoint)> ApiEndpoints(DashboardFactory app) =>
        [.. app.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, e)))
            .OrderBy(x => x.e.RoutePattern.RawText, StringComparer.Ordinal).ThenBy(x => x.m, StringComparer.Ordinal)];

    /// <summary>A concrete request for a route template: parameters filled with values of their constraint's kind.</summary>
    private static HttpRequestMessage RequestFor(string method, RouteEndpoint endpoint)
    {
        var path = endpoint.RoutePattern.RawText!;
        foreach (var parameter in endpoint.RoutePattern.Parameters)
        {
            var isNumber = parameter.ParameterPolicies.Any(p => p.Content is "int" or "long");
            var value = isNumber ? "999999" : parameter.Name == "email" ? "nobody@example.com" : $"matrix-{parameter.Name}";
            path = System.Text.RegularExpressions.Regex.Replace(path, "\\{" + parameter.Name + "(:[^}]*)?\\}", value);
        }

        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        return request;
    }

    [Fact]
    public async Task Every_api_endpoint_declares_the_least_role_it_serves()
    {
        await using var app = new DashboardFactory();
        _ = app.CreateClient();

        var undeclared = ApiEndpoints(app)
            .Where(x => x.Endpoint.Metadata.GetMetadata<MinimumRole>() is null && x.Endpoint.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(x => $"{x.Method} {x.Endpoint.RoutePattern.RawText}")
            .ToList();

        Assert.True(undeclared.Count == 0, "API endpoints without a declared role (add .RequiresRole(...)):\n" + string.Join("\n", undeclared));
        Assert.True(ApiEndpoints(app).Count > 40, "the endpoint scan found too few endpoints to be looking at the app");
    }

    [Theory]
    [MemberData(nameof(Roles))]
    public async Task Each_endpoint_refuses_a_role_below_its_declared_one_and_serves_every_role_at_or_above_it(ActorRole role)
    {
        await using var app = new DashboardFactory { AnonymousRole = role, Settings = new Dictionary<string, string> { ["RateLimiting:Enabled"] = "false" } };
        using var client = app.CreateClient();
        var wrong = new List<string>();

        foreach (var (method, endpoint) in ApiEndpoints(app))
        {
            var required = endpoint.Metadata.GetMetadata<MinimumRole>()?.Role ?? ActorRole.Viewer;
            using var request = RequestFor(method, endpoint);
            using var response = await client.SendAsync(request, Ct);
            var status = (int)response.StatusCode;
            var ok = role < required
                ? response.StatusCode == HttpStatusCode.Forbidden
                : response.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) && status < 500;
            if (!ok)
            {
                wrong.Add($"{method} {request.RequestUri} as {role} (declared {required}): {status} {await response.Content.ReadAsStringAsync(Ct)}");
            }
        }

        Assert.True(wrong.Count == 0, $"{wrong.Count} endpoint(s) disagree with their declared role:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public async Task With_anonymous_access_off_a_caller_with_nothing_gets_401_everywhere_but_the_anonymous_endpoints()
    {
        await using var app = new DashboardFactory { AnonymousEnabled = false, Settings = new Dictionary<string, string> { ["RateLimiting:Enabled"] = "false" } };
        using var client = app.CreateClient();
        var wrong = new List<string>();

        foreach (var (method, endpoint) in ApiEndpoints(app))
        {
            using var request = RequestFor(method, endpoint);
            using var response = await client.SendAsync(request, Ct);
            if (response.StatusCode != HttpStatusCode.Unauthorized)
            {
                wrong.Add($"{method} {request.RequestUri}: {(int)response.StatusCode}");
            }
        }

        foreach (var path in Anonymous)
        {
            using var response = await client.GetAsync(path, Ct);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                wrong.Add($"GET {path} (anonymous on purpose): {(int)response.StatusCode}");
            }
        }

        using (var hub = await client.PostAsync("/hubs/rollouts/negotiate?negotiateVersion=1", null, Ct))
        {
            if (hub.StatusCode != HttpStatusCode.Unauthorized)
            {
                wrong.Add($"POST /hubs/rollouts/negotiate: {(int)hub.StatusCode}");
            }
        }

        Assert.True(wrong.Count == 0, "Answered a caller with no credentials:\n" + string.Join("\n", wrong));
    }
}
