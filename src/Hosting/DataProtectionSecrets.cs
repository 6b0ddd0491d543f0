using Microsoft.AspNetCore.DataProtection;
using ModelRegistry.Dashboard.Notifications;

namespace ModelRegistry.Dashboard.Hosting;

/// <summary>Channel secrets encrypted with ASP.NET Core Data Protection (a purpose of their own).</summary>
internal sealed class DataProtectionSecrets(IDataProtectionProvider provider) : ISecretProtector
{
    private readonly IDataProtector _protector = provider.CreateProtector("ModelRegistry.Dashboard.Notifications.ChannelSecret.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}
