using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Tests.Registry;

/// <summary><see cref="RouteService.CheckSplits"/>: integer weights 1–100, each version once, summing to exactly 100.</summary>
public sealed class RouteSplitRulesTests
{
    private static IReadOnlyDictionary<string, string[]> Check(params SplitInfo[] splits)
    {
        var errors = new ValidationErrors();
        RouteService.CheckSplits(errors, splits);
        return errors.IsEmpty ? new Dictionary<string, string[]>() : Assert.Throws<ValidationFailedException>(errors.ThrowIfAny).Errors;
    }

    [Fact]
    public void A_single_version_at_100_is_valid() => Assert.Empty(Check(new SplitInfo("1.0.0", 100)));

    [Fact]
    public void A_canary_split_summing_to_100_is_valid() =>
        Assert.Empty(Check(new SplitInfo("1.0.0", 90), new SplitInfo("2.0.0", 10)));

    [Fact]
    public void No_splits_is_refused()
    {
        Assert.Contains("splits", Check().Keys);

        var errors = new ValidationErrors();
        RouteService.CheckSplits(errors, null);
        Assert.False(errors.IsEmpty);
    }

    [Theory]
    [InlineData(50, 40)]
    [InlineData(60, 50)]
    public void Weights_not_summing_to_100_are_refused_with_the_sum(int a, int b)
    {
        var errors = Check(new SplitInfo("1.0.0", a), new SplitInfo("2.0.0", b));

        var messages = errors["splits"];
        Assert.Contains(messages, m => m.Contains("100", StringComparison.Ordinal) && m.Contains((a + b).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
    }

    [Fact]
    public void A_version_twice_is_refused()
    {
        var errors = Check(new SplitInfo("1.0.0", 50), new SplitInfo("1.0.0", 50));

        Assert.Contains(errors["splits"], m => m.Contains("only once", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    [InlineData(-1)]
    public void A_weight_outside_1_to_100_is_refused_on_that_split(int weight)
    {
        var errors = Check(new SplitInfo("1.0.0", 100), new SplitInfo("2.0.0", weight));

        Assert.Contains("splits[1].weight", errors.Keys);
        Assert.DoesNotContain("splits[0].weight", errors.Keys);
    }
}
