using System.Text.Json;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Deployments.Verdicts;

namespace ModelRegistry.Dashboard.Tests.Deployments;

/// <summary>Defaults, JSON shape and validation of a deployment's guard rules.</summary>
public sealed class GuardRulesTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Defaults_are_the_documented_ones_and_valid()
    {
        var rules = new GuardRules();

        Assert.True(rules.AutoRollback);
        Assert.Equal(10, rules.MaxErrorRate);
        Assert.Equal(2000, rules.MaxAvgLatencyMs);
        Assert.Null(rules.MaxP95LatencyMs);
        Assert.Null(rules.MinSuccessRate);
        Assert.Equal(50, rules.MaxLatencyIncreasePercent);
        Assert.Equal(5, rules.MaxErrorRateIncrease);
        Assert.Equal(50, rules.MaxTokensPerRequestIncreasePercent);
        Assert.Equal(50, rules.MinSamples);
        Assert.Equal(0.99, rules.Confidence);
        Assert.Equal(60, rules.WatchSeconds);
        rules.Validate();
        Assert.Equal(rules, GuardRules.Default);
    }

    [Fact]
    public void Json_names_only_what_it_changes_and_round_trips()
    {
        var rules = JsonSerializer.Deserialize<GuardRules>("""{"maxErrorRate": 2.5, "maxP95LatencyMs": 800, "autoRollback": false}""", Web)!;

        Assert.Equal(2.5, rules.MaxErrorRate);
        Assert.Equal(800, rules.MaxP95LatencyMs);
        Assert.False(rules.AutoRollback);
        Assert.Equal(50, rules.MinSamples);
        Assert.Equal(0.99, rules.Confidence);
        Assert.Equal(rules, JsonSerializer.Deserialize<GuardRules>(JsonSerializer.Serialize(rules, Web), Web));
        Assert.Contains("\"maxErrorRateIncrease\":5", JsonSerializer.Serialize(rules, Web), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("maxErrorRate", -1)]
    [InlineData("maxErrorRate", 101)]
    [InlineData("maxErrorRate", double.NaN)]
    [InlineData("maxAvgLatencyMs", 0)]
    [InlineData("maxAvgLatencyMs", double.PositiveInfinity)]
    [InlineData("maxP95LatencyMs", -5)]
    [InlineData("minSuccessRate", 100.5)]
    [InlineData("maxLatencyIncreasePercent", -10)]
    [InlineData("maxErrorRateIncrease", double.NaN)]
    [InlineData("maxTokensPerRequestIncreasePercent", -0.1)]
    [InlineData("minSamples", 9)]
    [InlineData("confidence", 0.5)]
    [InlineData("confidence", 0.9999)]
    [InlineData("confidence", 95)]
    [InlineData("confidence", double.NaN)]
    [InlineData("watchSeconds", -1)]
    public void Validation_names_the_bad_field(string name, double value)
    {
        var rules = name switch
        {
            "maxErrorRate" => new GuardRules { MaxErrorRate = value },
            "maxAvgLatencyMs" => new GuardRules { MaxAvgLatencyMs = value },
            "maxP95LatencyMs" => new GuardRules { MaxP95LatencyMs = value },
            "minSuccessRate" => new GuardRules { MinSuccessRate = value },
            "maxLatencyIncreasePercent" => new GuardRules { MaxLatencyIncreasePercent = value },
            "maxErrorRateIncrease" => new GuardRules { MaxErrorRateIncrease = value },
            "maxTokensPerRequestIncreasePercent" => new GuardRules { MaxTokensPerRequestIncreasePercent = value },
            "minSamples" => new GuardRules { MinSamples = (int)value },
            "confidence" => new GuardRules { Confidence = value },
            "watchSeconds" => new GuardRules { WatchSeconds = (int)value },
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
        var field = "guard." + name;

        var error = Assert.Throws<ValidationFailedException>(() => rules.Validate());

        Assert.Equal([field], error.Errors.Keys);
        Assert.Contains($"'{field}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validation_reports_every_bad_field_at_once_under_the_given_prefix()
    {
        var rules = new GuardRules { MaxErrorRate = -1, Confidence = 2, MinSamples = 0 };

        var error = Assert.Throws<ValidationFailedException>(() => rules.Validate("environments[0].guard"));

        Assert.Equal(
            ["environments[0].guard.confidence", "environments[0].guard.maxErrorRate", "environments[0].guard.minSamples"],
            error.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Edge_values_are_valid()
    {
        new GuardRules { MaxErrorRate = 0, MaxErrorRateIncrease = 0, MaxLatencyIncreasePercent = 0, MinSuccessRate = 100, MinSamples = 10, Confidence = 0.9998, WatchSeconds = 0 }.Validate();
    }
}
