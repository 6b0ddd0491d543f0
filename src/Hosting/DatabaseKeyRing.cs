using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Persistence;

namespace ModelRegistry.Dashboard.Hosting;

/// <summary>
/// The Data Protection key ring in the registry's database (table <c>DataProtectionKeys</c>), so every instance shares it.
/// A plain entity rather than <c>IDataProtectionKeyContext</c>: the registry's context stays free of ASP.NET Core types.
/// The key manager calls these synchronously and seldom (at start and when a key is created or rotated).
/// </summary>
internal sealed class DatabaseKeyRing(IDbContextFactory<RegistryDbContext> dbFactory) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var db = dbFactory.CreateDbContext();
        return [.. db.ProtectionKeys.AsNoTracking().OrderBy(k => k.Id).Select(k => k.Xml).AsEnumerable().Select(xml => XElement.Parse(xml))];
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        using var db = dbFactory.CreateDbContext();
        db.ProtectionKeys.Add(new ProtectionKey { FriendlyName = friendlyName, Xml = element.ToString(SaveOptions.DisableFormatting) });
        db.SaveChanges();
    }
}
