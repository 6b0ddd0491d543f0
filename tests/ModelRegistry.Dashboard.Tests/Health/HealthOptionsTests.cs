using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Health;

namespace ModelRegistry.Dashboard.Tests.Health;

/// <summary><c>Health:*</c>, including the live limits, is validated at start, with messages naming the setting.</summary>
public sealed class HealthOptionsTests
{
    private static HealthOptions Bind(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddHealthProbes();
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<HealthOptions>>().Value;
    }

    private static LiveHealthOptions BindLive(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddHealthProbes();
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<LiveHealthOptions>>().Value;
    }

    [Fact]
    public void Defaults_are_a_five_second_interval_two_second_timeout_path_health_and_five_probes()
    {
        var options = Bind();

        Assert.Equal((5, 2.0, "health", 5), (options.IntervalSeconds, options.TimeoutSeconds, options.Path, options.Window));
    }

    [Theory]
    [InlineData("Health:IntervalSeconds", "0", "Health:IntervalSeconds")]
    [InlineData("Health:TimeoutSeconds", "0", "Health:TimeoutSeconds")]
    [InlineData("Health:TimeoutSeconds", "10", "must not exceed Health:IntervalSeconds")]
    [InlineData("Health:Window", "0", "Health:Window")]
    [InlineData("Health:Path", "http://elsewhere/health", "Health:Path")]
    [InlineData("Health:Path", "has spaces", "Health:Path")]
    public void Bad_settings_are_refused_naming_the_setting(string key, string value, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind((key, value)));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Live_limits_default_to_the_default_alert_rules_in_every_environment()
    {
        var limits = BindLive().LimitsFor("staging");

        Assert.Equal(new LiveHealthLimits("staging", MaxErrorRate: 10, MaxAvgLatencyMs: 2000, WindowSeconds: 60, MinRequests: 20), limits);
    }

    [Fact]
    public void An_environment_overrides_only_the_limits_it_names()
    {
        var options = BindLive(
            ("Health:Live:MaxAvgLatencyMs", "1500"),
            ("Health:Environments:production:MaxErrorRate", "2.5"),
            ("Health:Environments:production:WindowSeconds", "300"));

        Assert.Equal(new LiveHealthLimits("production", 2.5, 1500, 300, 20), options.LimitsFor("production"));
        Assert.Equal(new LiveHealthLimits("staging", 10, 1500, 60, 20), options.LimitsFor("staging"));
    }

    [Theory]
    [InlineData("Health:Live:MaxErrorRate", "101")]
    [InlineData("Health:Live:MaxErrorRate", "-1")]
    [InlineData("Health:Live:MaxErrorRate", "NaN")]
    [InlineData("Health:Live:MaxAvgLatencyMs", "0")]
    [InlineData("Health:Live:WindowSeconds", "901")]
    [InlineData("Health:Live:MinRequests", "0")]
    [InlineData("Health:Environments:production:MaxErrorRate", "150")]
    [InlineData("Health:Environments:production:WindowSeconds", "0")]
    [InlineData("Health:Environments:production:MaxAvgLatencyMs", "-5")]
    public void Bad_live_limits_are_refused_naming_the_setting(string key, string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => BindLive((key, value)));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
