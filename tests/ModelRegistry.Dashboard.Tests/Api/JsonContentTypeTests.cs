using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Api;

/// <summary>
/// Issue 12: no cross-site "simple" request reaches the API. Every POST, PUT and PATCH under <c>/api/v1</c>, taken from
/// the app's own endpoint data source (so a new endpoint is covered the day it is added), refuses a <c>text/plain</c>
/// body, a form, and a body-less request without a content type with 415 problem details naming what was sent; nothing is stored.
/// </summary>
public sealed partial class JsonContentTypeTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Endpoints()
    {
        using var app = new DashboardFactory();
        var data = new TheoryData<string, string>();
        foreach (var (method, pattern) in MutatingApiEndpoints(app))
        {
            data.Add(method, pattern);
        }

        return data;
    }

    [Fact]
    public void The_enumeration_finds_the_api_s_mutating_endpoints()
    {
        var endpoints = MutatingApiEndpoints(factory).ToList();

        Assert.Contains(("POST", "/api/v1/metrics/events"), endpoints);
        Assert.Contains(("POST", "/api/v1/deployments/{id:long}/promote"), endpoints);
        Assert.Contains(("PUT", "/api/v1/alert-rules/{id:int}"), endpoints);
        Assert.Contains(("PATCH", "/api/v1/models/{name}"), endpoints);
        Assert.True(endpoints.Count >= 15, $"only {endpoints.Count} endpoints found");
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task A_non_json_request_is_refused_with_415_naming_the_content_type_and_nothing_is_stored(string method, string pattern)
    {
        using var client = factory.CreateClient();
        var url = Concrete(pattern);
        var before = await DatabaseCounts.ReadAsync(factory);
        (HttpContent? Body, string Named)[] bodies =
        [
            (new StringContent("{\"name\":\"x\"}", Encoding.UTF8, "text/plain"), "'text/plain; charset=utf-8'"),
            (new FormUrlEncodedContent([new("name", "x")]), "'application/x-www-form-urlencoded'"),
            (null, "no Content-Type"),
        ];

        foreach (var (body, named) in bodies)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = body };
            using var response = await client.SendAsync(request, Ct);

            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "Content-Type");
            Assert.Contains(named, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(before, await DatabaseCounts.ReadAsync(factory));
    }

    private static IEnumerable<(string Method, string Pattern)> MutatingApiEndpoints(DashboardFactory app) =>
        app.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])
                .Where(m => m is "POST" or "PUT" or "PATCH")
                .Select(m => (m, e.RoutePattern.RawText!.TrimEnd('/'))))
            .Distinct()
            .OrderBy(e => e.Item2, StringComparer.Ordinal);

    /// <summary>A URL for a route pattern: every parameter filled with a value its constraint accepts.</summary>
    private static string Concrete(string pattern) => Parameter().Replace(pattern, m => m.Groups["constraint"].Value switch
    {
        "long" or "int" => "1",
        _ => m.Groups["name"].Value == "version" ? "1.0.0" : "support-chat",
    });

    [GeneratedRegex("\\{(?<name>[a-zA-Z]+)(:(?<constraint>[a-z]+))?\\}")]
    private static partial Regex Parameter();
}
