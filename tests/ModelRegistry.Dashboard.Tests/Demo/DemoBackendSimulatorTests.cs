using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Demo;
using ModelRegistry.Dashboard.Tests.Health;

namespace ModelRegistry.Dashboard.Tests.Demo;

/// <summary>The simulated backends' behaviour: configured per version, validated, and drawn reproducibly.</summary>
public sealed class DemoBackendSimulatorTests
{
    private static DemoBackendOptions Options(int seed = 42) => new()
    {
        Seed = seed,
        BackendDefaults = new DemoBackendSettings { MedianLatencyMs = 100, LatencySpread = 0.4, ErrorRate = 0.02, CompletionTokens = 200 },
        Backends = new()
        {
            ["support-chat"] = new() { ["2.0.0"] = new DemoBackendSettings { MedianLatencyMs = 300, ErrorRate = 0.25 } },
        },
    };

    private static DemoBackendSimulator Simulator(DemoBackendOptions? options = null) => new(new FixedOptions<DemoBackendOptions>(options ?? Options()));

    [Fact]
    public void A_versions_settings_override_the_defaults_field_by_field()
    {
        var simulator = Simulator();

        Assert.Equal(new DemoBackendBehaviour(300, 0.4, 0.25, 200, true), simulator.BehaviourOf("support-chat", "2.0.0"));
        Assert.Equal(new DemoBackendBehaviour(100, 0.4, 0.02, 200, true), simulator.BehaviourOf("support-chat", "1.2.0"));
        Assert.Equal(DemoBackendBehaviour.Builtin, new DemoBackendSimulator(new FixedOptions<DemoBackendOptions>(new DemoBackendOptions())).BehaviourOf("x", "1.0.0"));
    }

    [Fact]
    public void Latency_is_log_normal_around_the_median_and_errors_and_tokens_follow_the_settings()
    {
        var simulator = Simulator();
        var plans = Enumerable.Range(0, 10_000).Select(_ => simulator.Plan("support-chat", "2.0.0", promptTokens: 30)).ToList();

        var latencies = plans.Select(p => p.Latency.TotalMilliseconds).Order().ToList();
        var median = latencies[latencies.Count / 2];
        Assert.InRange(median, 285, 315);                          // 300 ms ± 5%
        Assert.True(latencies[^1] > 2 * median, "A spread of 0.4 gives a long upper tail.");
        Assert.InRange(plans.Count(p => p.Fails) / 10_000.0, 0.23, 0.27);
        Assert.All(plans.Where(p => !p.Fails), p => Assert.InRange(p.CompletionTokens, 150, 250));
        Assert.All(plans.Where(p => p.Fails), p => Assert.Equal(0, p.CompletionTokens));
        Assert.All(plans, p => Assert.Equal(30, p.PromptTokens));
    }

    [Fact]
    public void The_same_seed_draws_the_same_sequence_per_version_whatever_else_is_asked()
    {
        var first = Simulator();
        var second = Simulator();
        _ = second.Plan("other-model", "1.0.0", 10); // another version's draws do not shift this one's

        var a = Enumerable.Range(0, 100).Select(_ => first.Plan("support-chat", "2.0.0", 10)).ToList();
        var b = Enumerable.Range(0, 100).Select(_ => second.Plan("support-chat", "2.0.0", 10)).ToList();
        var c = Enumerable.Range(0, 100).Select(_ => Simulator(Options(seed: 43)).Plan("support-chat", "2.0.0", 10)).ToList();

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Zero_spread_gives_exactly_the_median()
    {
        var simulator = Simulator(new DemoBackendOptions { BackendDefaults = new() { MedianLatencyMs = 80, LatencySpread = 0 } });

        Assert.Equal(TimeSpan.FromMilliseconds(80), simulator.Plan("m", "1.0.0", 1).Latency);
    }

    [Theory]
    [InlineData("Demo:Backends:support-chat:2.0.0:ErrorRate", "1.5")]
    [InlineData("Demo:Backends:support-chat:2.0.0:ErrorRate", "1.4")] // an int range would round it to 1 and let it through
    [InlineData("Demo:BackendDefaults:LatencySpread", "3.4")]
    [InlineData("Demo:Backends:support-chat:2.0.0:MedianLatencyMs", "-1")]
    [InlineData("Demo:BackendDefaults:LatencySpread", "9")]
    [InlineData("Demo:BackendDefaults:CompletionTokens", "0")]
    [InlineData("Demo:Traffic:RequestsPerSecondPerRoute", "0")]
    [InlineData("Demo:Traffic:MaxConcurrentRequests", "0")]
    [InlineData("Demo:BackendBaseUrlOverride", "not a url")]
    public void Bad_behaviour_settings_are_refused_at_start_naming_the_setting(string key, string value)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection([new(key, value)]);
        builder.AddDemoTraffic();
        using var host = builder.Build();

        var error = Assert.Throws<OptionsValidationException>(() =>
        {
            _ = host.Services.GetRequiredService<IOptions<DemoBackendOptions>>().Value;
            _ = host.Services.GetRequiredService<IOptions<DemoTrafficOptions>>().Value;
        });

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
