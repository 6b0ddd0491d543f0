namespace ModelRegistry.Dashboard.Alerts;

/// <summary>How alert changes begin when announced to people, so a listener can tell a firing from a resolution.</summary>
public static class AlertAnnouncements
{
    public const string Fired = "Alert fired: ";
    public const string Resolved = "Resolved: ";
}
