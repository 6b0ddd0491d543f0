using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Gateway;

namespace ModelRegistry.Dashboard.Tests.Gateway;

/// <summary><c>Gateway:*</c> is validated at start, with messages naming the setting; standalone needs its control plane.</summary>
public sealed class GatewayOptionsTests
{
    private static GatewayOptions Bind(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.Services.AddGateway(builder.Configuration);
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<GatewayOptions>>().Value;
    }

    [Fact]
    public void By_default_the_gateway_runs_in_process_and_needs_no_control_plane()
    {
        var options = Bind();

        Assert.Equal(GatewayMode.InProcess, options.Mode);
        Assert.Null(options.ControlPlane.Url);
    }

    [Theory]
    [InlineData("Gateway:ControlPlane:Url", "", "Gateway:ControlPlane:Url")]
    [InlineData("Gateway:ControlPlane:Url", "ftp://registry", "Gateway:ControlPlane:Url")]
    [InlineData("Gateway:ControlPlane:ApiKey", "", "Gateway:ControlPlane:ApiKey")]
    [InlineData("Gateway:ControlPlane:ShipIntervalMilliseconds", "10", "Gateway:ControlPlane:ShipIntervalMilliseconds")]
    [InlineData("Gateway:ControlPlane:RefreshSeconds", "0", "Gateway:ControlPlane:RefreshSeconds")]
    [InlineData("Gateway:ControlPlane:RouteMaxAgeSeconds", "0", "Gateway:ControlPlane:RouteMaxAgeSeconds")]
    public void A_standalone_gateway_with_a_bad_control_plane_setting_is_refused_naming_it(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string>
        {
            ["Gateway:Mode"] = "Standalone",
            ["Gateway:ControlPlane:Url"] = "https://registry.internal/",
            ["Gateway:ControlPlane:ApiKey"] = "a-key-of-the-control-plane",
            [key] = value,
        };

        var error = Assert.Throws<OptionsValidationException>(() => Bind([.. settings.Select(s => (s.Key, s.Value))]));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_upstream_credential_without_a_key_is_refused_naming_it()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind(("Gateway:Upstreams:0:Endpoint", "https://api.openai.com/")));

        Assert.Contains("Gateway:Upstreams:0:ApiKey", error.Message, StringComparison.Ordinal);
    }
}
