using System.Security.Cryptography;
using System.Text;

namespace ModelRegistry.Dashboard.Demo;

/// <summary>
/// The credential the demo's load generator sends to this app's own gateway: 256 random bits made when the process
/// starts, never configured, stored, logged or shown. The authentication handler accepts it only on the gateway's paths
/// and only from a loopback address, as the Automation actor <see cref="ActorName"/>; everywhere else it is an unknown
/// key (401). So the demo works whatever the anonymous actor's role, without anyone configuring a key for it.
/// </summary>
public sealed class DemoGatewayKey
{
    public const string ActorName = "demo-traffic";

    private readonly byte[] _utf8;

    public DemoGatewayKey()
    {
        Value = "demo-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _utf8 = Encoding.UTF8.GetBytes(Value);
    }

    /// <summary>Sent as <c>Authorization: Bearer</c>.</summary>
    public string Value { get; }

    /// <summary>Whether <paramref name="presented"/> (UTF-8) is this key, compared in constant time.</summary>
    public bool Matches(ReadOnlySpan<byte> presented) => CryptographicOperations.FixedTimeEquals(_utf8, presented);
}
