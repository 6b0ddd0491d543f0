using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using ModelRegistry.Dashboard.Persistence;

namespace ModelRegistry.Dashboard.Access;

public static class AccessRegistration
{
    /// <summary>Lockout after this many wrong passwords in a row.</summary>
    public const int MaxFailedSignIns = 5;

    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Users on ASP.NET Core Identity's EF Core stores (the registry's database): password rules (12+ characters, not
    /// all one kind), lockout after <see cref="MaxFailedSignIns"/> failures, unique e-mails.
    /// </summary>
    public static IHostApplicationBuilder AddAccess(this IHostApplicationBuilder builder)
    {
        builder.Services.AddAccess();
        return builder;
    }

    public static IServiceCollection AddAccess(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddScoped<RegistryDbContext>(provider => provider.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContext());
        services.AddIdentityCore<DashboardUser>(identity =>
            {
                identity.User.RequireUniqueEmail = true;
                identity.Password.RequiredLength = 12;
                identity.Password.RequireDigit = false;
                identity.Password.RequireLowercase = false;
                identity.Password.RequireUppercase = false;
                identity.Password.RequireNonAlphanumeric = false;
                identity.Password.RequiredUniqueChars = 4;
                identity.Lockout.MaxFailedAccessAttempts = MaxFailedSignIns;
                identity.Lockout.DefaultLockoutTimeSpan = LockoutDuration;
                identity.Lockout.AllowedForNewUsers = true;
            })
            .AddEntityFrameworkStores<RegistryDbContext>();
        services.AddSingleton<UserService>();
        services.AddSingleton<ApiKeyService>();
        return services;
    }
}
