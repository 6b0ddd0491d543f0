namespace ModelRegistry.Dashboard.Persistence;

/// <summary>
/// One key of the host's Data Protection key ring, as the XML the key manager writes. Kept in the registry's database so
/// that every instance reads the same ring: a channel secret encrypted on one instance is decrypted on another.
/// </summary>
public sealed class ProtectionKey
{
    public int Id { get; set; }

    public string? FriendlyName { get; set; }

    public required string Xml { get; set; }
}
