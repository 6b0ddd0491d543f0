using Microsoft.AspNetCore.Hosting;

namespace ModelRegistry.Dashboard.Tests.Infrastructure;

/// <summary>
/// The real app (in-memory server) in the Production environment, where the environment-dependent guards apply (the
/// endpoint guard, strict cookies, HSTS); the anonymous Admin is explicitly allowed, and <paramref name="settings"/> go on top.
/// </summary>
public sealed class ProductionDashboardFactory(IReadOnlyDictionary<string, string>? settings = null) : DashboardFactory
{
    public ProductionDashboardFactory()
        : this(null)
    {
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseEnvironment("Production");
        builder.UseSetting("Auth:Anonymous:AllowAdminOutsideDevelopment", "true");
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
    }
}
