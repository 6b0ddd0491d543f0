namespace ModelRegistry.Dashboard.Registry;

/// <summary>Whether moving from one version to another is compatible (same MAJOR) or a breaking change, with the reason in words.</summary>
public sealed record Compatibility(string From, string To, bool Compatible, string Reason)
{
    public static Compatibility Between(string from, string to)
    {
        var a = SemanticVersion.Parse(from);
        var b = SemanticVersion.Parse(to);
        if (a.Major == b.Major)
        {
            var direction = a.ComparePrecedenceTo(b) switch
            {
                < 0 => "an upgrade",
                > 0 => "a downgrade",
                _ => "the same version",
            };
            return new(from, to, true, $"Compatible: both are major version {a.Major}; {to} is {direction} from {from}.");
        }

        return new(from, to, false, $"Breaking change: major version {a.Major} → {b.Major}. Clients written for {from} may fail on {to}.");
    }
}
