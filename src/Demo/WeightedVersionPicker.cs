namespace ModelRegistry.Dashboard.Demo;

/// <summary>Chooses one split of a route in proportion to its weight, as a gateway enforcing the route would.</summary>
public static class WeightedVersionPicker
{
    public static T Pick<T>(IReadOnlyList<T> splits, Func<T, int> weightOf, Random random)
    {
        ArgumentNullException.ThrowIfNull(splits);
        ArgumentNullException.ThrowIfNull(weightOf);
        ArgumentNullException.ThrowIfNull(random);
        var total = 0;
        foreach (var split in splits)
        {
            total += Math.Max(0, weightOf(split));
        }

        if (total == 0)
        {
            throw new ArgumentException("A route needs at least one split with a positive weight.", nameof(splits));
        }

        var roll = random.Next(total);
        foreach (var split in splits)
        {
            roll -= Math.Max(0, weightOf(split));
            if (roll < 0)
            {
                return split;
            }
        }

        throw new InvalidOperationException("Unreachable: the roll is below the total weight.");
    }
}
