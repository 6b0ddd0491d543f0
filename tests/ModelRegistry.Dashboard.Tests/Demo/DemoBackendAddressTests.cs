using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Demo;
using ModelRegistry.Dashboard.Tests.Health;

namespace ModelRegistry.Dashboard.Tests.Demo;

/// <summary>Seeded endpoints name <c>localhost:5180</c>; requests go to wherever this app really listens.</summary>
public sealed class DemoBackendAddressTests
{
    private static DemoBackendAddress Address(bool enabled = true, string? overrideUrl = null, params string[] listening)
    {
        var address = new DemoBackendAddress(
            Options.Create(new DemoOptions { Enabled = enabled, BackendBaseUrl = "http://localhost:5180/demo-backends" }),
            new FixedOptions<DemoBackendOptions>(new DemoBackendOptions { BackendBaseUrlOverride = overrideUrl }));
        address.UseServerAddresses(() => listening);
        return address;
    }

    [Theory]
    [InlineData("http://127.0.0.1:41234", "http://127.0.0.1:41234/demo-backends")]
    [InlineData("http://[::]:5180", "http://localhost:5180/demo-backends")]
    [InlineData("http://+:8080", "http://localhost:8080/demo-backends")]
    [InlineData("http://0.0.0.0:80/", "http://localhost:80/demo-backends")]
    [InlineData("http://127.0.0.1:0", null)]
    [InlineData("garbage", null)]
    public void The_listening_address_gives_the_backends_base_url(string listening, string? expected)
    {
        Assert.Equal(expected, DemoBackendAddress.LocalBaseUrl([listening]));
    }

    [Fact]
    public void The_gateway_is_called_at_the_apps_own_address_even_when_the_backends_are_elsewhere()
    {
        Assert.Equal("http://127.0.0.1:41234", Address(overrideUrl: "http://backends:9000/", listening: "http://127.0.0.1:41234").AppBaseUrl);
        Assert.Equal("http://localhost:5180", Address(listening: ["https://[::]:5181", "http://[::]:5180"]).AppBaseUrl);
        Assert.Null(Address().AppBaseUrl); // in-memory test server: no address, so no demo traffic
    }

    [Fact]
    public void Http_is_preferred_over_https()
    {
        Assert.Equal("http://localhost:5001/demo-backends", DemoBackendAddress.LocalBaseUrl(["https://localhost:5002", "http://localhost:5001"]));
    }

    [Fact]
    public void Seeded_endpoints_are_redirected_to_the_real_port_and_others_are_left_alone()
    {
        var address = Address(listening: "http://127.0.0.1:41234");

        Assert.Equal("http://127.0.0.1:41234/demo-backends/support-chat/2.0.0/", address.Resolve("http://localhost:5180/demo-backends/support-chat/2.0.0/"));
        Assert.Equal("http://127.0.0.1:41234/demo-backends/m/1.0.0/", address.DemoBackendUrl("http://127.0.0.1:41234/demo-backends/m/1.0.0/"));
        Assert.Equal("https://models.example.com/m/1.0.0/", address.Resolve("https://models.example.com/m/1.0.0/"));
        Assert.Null(address.DemoBackendUrl("https://models.example.com/m/1.0.0/"));
    }

    [Fact]
    public void An_override_wins_and_without_demo_or_address_nothing_is_redirected()
    {
        Assert.Equal("http://backends:9000/x/1.0.0/", Address(overrideUrl: "http://backends:9000/", listening: "http://127.0.0.1:41234").Resolve("http://localhost:5180/demo-backends/x/1.0.0/"));
        Assert.Equal("http://localhost:5180/demo-backends/x/1.0.0/", Address(enabled: false, listening: "http://127.0.0.1:41234").Resolve("http://localhost:5180/demo-backends/x/1.0.0/"));
        Assert.Null(Address().DemoBackendUrl("http://localhost:5180/demo-backends/x/1.0.0/")); // in-memory test server: no address
    }
}
