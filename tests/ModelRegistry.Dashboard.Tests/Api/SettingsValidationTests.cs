using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Hosting;

namespace ModelRegistry.Dashboard.Tests.Api;

/// <summary><c>RateLimiting:*</c> and <c>Deployments:*</c> are validated at start, with messages naming the setting.</summary>
public sealed class SettingsValidationTests
{
    private static (RateLimitingOptions, DeploymentOptions) Bind(params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddApiRateLimiting();
        builder.AddDeployments();
        using var host = builder.Build();
        return (host.Services.GetRequiredService<IOptions<RateLimitingOptions>>().Value, host.Services.GetRequiredService<IOptions<DeploymentOptions>>().Value);
    }

    [Fact]
    public void Defaults_are_200_requests_a_second_bursts_of_400_a_one_second_tick_and_judging_within_200_ms_of_new_events()
    {
        var (limits, deployments) = Bind();

        Assert.Equal((true, 200, 400), (limits.Enabled, limits.PermitsPerSecond, limits.Burst));
        Assert.Equal((1.0, 0.2, 30), (deployments.TickSeconds, deployments.JudgeOnArrivalSeconds, deployments.HealthCheckTimeoutSeconds));
    }

    [Theory]
    [InlineData("RateLimiting:PermitsPerSecond", "0")]
    [InlineData("RateLimiting:Burst", "-1")]
    [InlineData("Deployments:TickSeconds", "0")]
    [InlineData("Deployments:JudgeOnArrivalSeconds", "-0.5")]
    [InlineData("Deployments:HealthCheckTimeoutSeconds", "0")]
    public void Bad_settings_are_refused_naming_the_setting(string key, string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind((key, value)));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
