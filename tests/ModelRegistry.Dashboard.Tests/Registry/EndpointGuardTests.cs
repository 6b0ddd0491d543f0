using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Tests.Health;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Registry;

/// <summary>
/// The SSRF guard (issue 12): outside Development a version endpoint may not name a loopback, link-local or cloud
/// metadata address unless <c>Registry:EndpointAllowList</c> names the host; a 400 naming <c>endpoint</c>, nothing stored.
/// </summary>
public sealed class EndpointGuardTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("http://169.254.169.254/", "cloud metadata")]
    [InlineData("http://169.254.169.254/latest/meta-data/iam/", "cloud metadata")]
    [InlineData("http://[fd00:ec2::254]/", "cloud metadata")]
    [InlineData("http://metadata.google.internal/computeMetadata/v1/", "cloud metadata")]
    [InlineData("http://[::ffff:169.254.169.254]/", "cloud metadata")]
    [InlineData("http://169.254.10.20:8080/", "link-local")]
    [InlineData("http://[fe80::1]/", "link-local")]
    [InlineData("http://127.0.0.1:8080/v1/", "loopback")]
    [InlineData("http://127.1.2.3/", "loopback")]
    [InlineData("http://[::1]:9000/", "loopback")]
    [InlineData("http://0.0.0.0:9000/", "loopback")]
    [InlineData("http://localhost:9000/", "loopback")]
    [InlineData("https://LocalHost./", "loopback")]
    public async Task In_production_an_endpoint_on_a_local_or_metadata_address_is_refused_naming_endpoint_and_nothing_is_stored(string endpoint, string kind)
    {
        await using var factory = new ProductionDashboardFactory();
        using var client = factory.CreateApiKeyClient();
        await Seed.ModelAsync(client, "support-chat");
        var before = await DatabaseCounts.ReadAsync(factory);

        using var response = await client.PostAsJsonAsync("/api/v1/models/support-chat/versions", new { version = "1.0.0", endpoint }, Ct);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "endpoint");
        var message = problem.GetProperty("errors").GetProperty("endpoint")[0].GetString()!;
        Assert.Contains(kind, message, StringComparison.Ordinal);
        Assert.Contains("Registry:EndpointAllowList", message, StringComparison.Ordinal);
        Assert.Equal(before, await DatabaseCounts.ReadAsync(factory));
    }

    [Fact]
    public async Task In_production_the_demo_seeds_its_own_local_backends_and_other_local_hosts_stay_refused()
    {
        // Before: the guard refused the demo's http://localhost:5180/demo-backends endpoints and the start failed.
        await using var factory = new ProductionDashboardFactory(new Dictionary<string, string> { ["Demo:Enabled"] = "true" });
        using var client = factory.CreateApiKeyClient();

        Assert.True((await DatabaseCounts.ReadAsync(factory)).Models >= 3, "the demo catalogue was not seeded in Production");
        await Seed.ModelAsync(client, "support-chat-x");
        using var refused = await client.PostAsJsonAsync("/api/v1/models/support-chat-x/versions", new { version = "1.0.0", endpoint = "http://127.0.0.2:5180/" }, Ct);
        await refused.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "endpoint");
        using var metadata = await client.PostAsJsonAsync("/api/v1/models/support-chat-x/versions", new { version = "1.0.0", endpoint = "http://169.254.169.254/" }, Ct);
        await metadata.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "endpoint");
    }

    [Fact]
    public async Task In_production_ordinary_and_allow_listed_hosts_are_registered()
    {
        await using var factory = new ProductionDashboardFactory(new Dictionary<string, string>
        {
            ["Registry:EndpointAllowList:0"] = "127.0.0.1",
            ["Registry:EndpointAllowList:1"] = "model-box.localhost",
        });
        using var client = factory.CreateApiKeyClient();
        await Seed.ModelAsync(client, "support-chat");

        await Seed.VersionAsync(client, "support-chat", "1.0.0", "https://models.example.com/support-chat/");
        await Seed.VersionAsync(client, "support-chat", "1.1.0", "http://10.0.0.7:8000/v1/");
        await Seed.VersionAsync(client, "support-chat", "1.2.0", "http://127.0.0.1:8000/v1/");
        await Seed.VersionAsync(client, "support-chat", "1.3.0", "http://model-box.localhost:8000/v1/");
        using var refused = await client.PostAsJsonAsync("/api/v1/models/support-chat/versions", new { version = "1.4.0", endpoint = "http://127.0.0.2/" }, Ct);
        await refused.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "endpoint");
    }

    [Fact]
    public async Task In_development_a_loopback_endpoint_is_registered_as_the_demo_needs()
    {
        await using var factory = new DashboardFactory();
        using var client = factory.CreateApiKeyClient();
        await Seed.ModelAsync(client, "support-chat");

        var version = await Seed.VersionAsync(client, "support-chat", "1.0.0", "http://127.0.0.1:5180/demo-backends/support-chat/1.0.0/");

        Assert.Equal("http://127.0.0.1:5180/demo-backends/support-chat/1.0.0/", version.Endpoint);
    }

    [Fact]
    public void At_dial_time_a_name_is_refused_when_any_address_it_resolves_to_is_forbidden()
    {
        var guard = Guard("Production", "allowed.internal", "10.1.2.3");

        var refused = Assert.Throws<EndpointRefusedException>(() =>
            guard.EnsureDialable("models.example.com", [IPAddress.Parse("93.184.216.34"), IPAddress.Parse("169.254.169.254")]));
        Assert.Contains("'models.example.com' is a cloud metadata address (169.254.169.254)", refused.Message, StringComparison.Ordinal);
        Assert.Throws<EndpointRefusedException>(() => guard.EnsureDialable("rebound.example.com", [IPAddress.Parse("::1")]));
        Assert.Throws<EndpointRefusedException>(() => guard.EnsureDialable("metadata.google.internal", [IPAddress.Parse("10.9.9.9")]));

        guard.EnsureDialable("models.example.com", [IPAddress.Parse("93.184.216.34")]);
        guard.EnsureDialable("allowed.internal", [IPAddress.Parse("127.0.0.1")]);
        guard.EnsureDialable("other-name-of.allowed", [IPAddress.Parse("10.1.2.3")]);
        Guard("Development").EnsureDialable("localhost", [IPAddress.Loopback]);
    }

    [Theory]
    [InlineData("http://127.0.0.1/")]
    [InlineData("127.0.0.1:8080")]
    [InlineData("models/*")]
    [InlineData(" ")]
    public void A_bad_allow_list_entry_is_refused_naming_the_setting(string entry)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Registry:EndpointAllowList:0"] = "localhost", ["Registry:EndpointAllowList:1"] = entry })
            .Build();
        using var services = new ServiceCollection().AddEndpointGuard(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<EndpointGuardOptions>>().Value);

        Assert.Contains("Registry:EndpointAllowList:1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Registry:EndpointAllowList:0", error.Message, StringComparison.Ordinal);
    }

    private static EndpointGuard Guard(string environment, params string[] allowed) =>
        new(new FixedOptions<EndpointGuardOptions>(new EndpointGuardOptions { EndpointAllowList = [.. allowed] }), new Environment(environment));

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "test";

        public string ContentRootPath { get; set; } = "";

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = null!;
    }
}
