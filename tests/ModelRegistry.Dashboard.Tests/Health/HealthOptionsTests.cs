using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Health;

namespace ModelRegistry.Dashboard.Tests.Health;

/// <summary><c>Health:*</c> is validated at start, with messages naming the setting.</summary>
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
}
