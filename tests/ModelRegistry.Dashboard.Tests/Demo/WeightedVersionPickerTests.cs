using ModelRegistry.Dashboard.Demo;
using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Tests.Demo;

/// <summary>The load generator chooses versions in proportion to the route's weights.</summary>
public sealed class WeightedVersionPickerTests
{
    private static Dictionary<string, int> Count(IReadOnlyList<SplitInfo> splits, int picks, int seed = 1)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, picks)
            .Select(_ => WeightedVersionPicker.Pick(splits, s => s.Weight, random).Version)
            .GroupBy(v => v)
            .ToDictionary(g => g.Key, g => g.Count());
    }

    [Fact]
    public void A_90_10_split_gives_about_90_and_10_percent_of_10000_picks()
    {
        var counts = Count([new("1.2.0", 90), new("2.0.0", 10)], 10_000);

        // σ = √(10000 · 0.9 · 0.1) = 30; ±150 is five σ.
        Assert.InRange(counts["1.2.0"], 8_850, 9_150);
        Assert.InRange(counts["2.0.0"], 850, 1_150);
    }

    [Fact]
    public void Three_way_splits_and_a_single_version_are_respected()
    {
        var counts = Count([new("a", 50), new("b", 30), new("c", 20)], 10_000, seed: 7);

        Assert.InRange(counts["a"], 4_800, 5_200);
        Assert.InRange(counts["b"], 2_800, 3_200);
        Assert.InRange(counts["c"], 1_800, 2_200);
        Assert.Equal(new Dictionary<string, int> { ["only"] = 1_000 }, Count([new("only", 100)], 1_000));
    }

    [Fact]
    public void The_same_seed_picks_the_same_sequence()
    {
        SplitInfo[] splits = [new("1.0.0", 50), new("2.0.0", 50)];
        var a = new Random(3);
        var b = new Random(3);

        Assert.Equal(
            Enumerable.Range(0, 200).Select(_ => WeightedVersionPicker.Pick(splits, s => s.Weight, a).Version),
            Enumerable.Range(0, 200).Select(_ => WeightedVersionPicker.Pick(splits, s => s.Weight, b).Version));
    }

    [Fact]
    public void A_zero_weight_version_is_never_picked_and_no_weight_at_all_is_refused()
    {
        var counts = Count([new("live", 100), new("idle", 0)], 1_000);

        Assert.False(counts.ContainsKey("idle"));
        Assert.Throws<ArgumentException>(() => WeightedVersionPicker.Pick<SplitInfo>([new("idle", 0)], s => s.Weight, new Random(1)));
    }
}
