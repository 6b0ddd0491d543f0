using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Access;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Components;
using ModelRegistry.Dashboard.Components.Layout;
using MudBlazor.Services;

using ModelRegistry.Dashboard.Gateway;

namespace ModelRegistry.Dashboard.Hosting;

public static class HostingRegistration
{
    /// <summary>
    /// Who a request is (<see cref="ActorAuthenticationHandler"/>: a key, a signed-in user, or the anonymous actor when
    /// enabled) and the rule that everything without an explicit exception needs someone; rate limits.
    /// </summary>
    public static IHostApplicationBuilder AddDashboardSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>()
            .Bind(builder.Configuration.GetSection(AuthOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsEnvironmentCheck>();
        builder.Services.AddAuthentication(ActorAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ActorAuthenticationHandler>(ActorAuthenticationHandler.SchemeName, null);
        builder.Services.AddSingleton<ApiKeyAuthenticator>();
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, RefusedCallerBodies>();
        builder.Services.AddAuthorization(o =>
        {
            // Someone, and not an Inference key (which may only call the gateway, an endpoint that checks for itself).
            var dashboard = new AuthorizationPolicyBuilder()
                .RequireAuthenticatedUser()
                .RequireAssertion(context => context.User.ToActor().Role != ActorRole.Inference)
                .Build();
            o.DefaultPolicy = dashboard;
            o.FallbackPolicy = dashboard;
        });
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<CurrentActor>();
        builder.AddApiRateLimiting();
        return builder;
    }

    /// <summary>
    /// People who sign in: Identity's cookie (HttpOnly, SameSite=Lax, Secure outside Development, sessions re-checked
    /// against the user's security stamp every <c>Auth:SessionCheckSeconds</c>, so a disable or a role change ends them),
    /// the sign-in manager, the first Admin's bootstrap, and single sign-on when <c>Auth:Oidc:Authority</c> is set.
    /// </summary>
    public static IHostApplicationBuilder AddDashboardAccounts(this IHostApplicationBuilder builder)
    {
        builder.AddAccess();
        new IdentityBuilder(typeof(DashboardUser), builder.Services)
            .AddSignInManager()
            .AddClaimsPrincipalFactory<DashboardClaimsFactory>();
        var authentication = new AuthenticationBuilder(builder.Services);
        authentication.AddIdentityCookies();
        builder.AddSingleSignOn(authentication);
        builder.Services.ConfigureApplicationCookie(cookie =>
        {
            cookie.Cookie.Name = "mr.session";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            cookie.LoginPath = ActorAuthenticationHandler.LoginPath;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
            cookie.SlidingExpiration = true;
        });
        builder.Services.AddOptions<SecurityStampValidatorOptions>()
            .Configure<IOptions<AuthOptions>>((o, auth) => o.ValidationInterval = TimeSpan.FromSeconds(auth.Value.SessionCheckSeconds));
        builder.Services.AddSingleton<FirstAdminSetup>();
        // One application name and one key ring in the database: cookies and channel secrets protected by one instance
        // are read by every other, wherever each is installed.
        builder.Services.AddDataProtection().SetApplicationName("ModelRegistry.Dashboard");
        builder.Services.AddOptions<KeyManagementOptions>()
            .Configure<IDbContextFactory<RegistryDbContext>>((o, dbFactory) => o.XmlRepository = new DatabaseKeyRing(dbFactory));
        builder.Services.AddSingleton<Notifications.ISecretProtector, DataProtectionSecrets>();
        builder.Services.AddHostedService<AccountBootstrap>();
        return builder;
    }

    public static IHostApplicationBuilder AddDashboardUi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices(o => DashboardSnackbars.Configure(o.SnackbarConfiguration));
        return builder;
    }

    public static WebApplication UseDashboardPipeline(this WebApplication app)
    {
        app.UseGatewayLane(); // first: gateway requests need none of what follows (GatewayEndpoints.UseGatewayLane)
        app.UseRouting();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseFailedKeyThrottle();
        app.UseAuthentication();
        app.UseRateLimiter(); // before authorization: callers without a valid key are limited before their 401
        app.UseAuthorization();
        app.Use(RefusedCallerBodies.RefuseBelowMinimumRoleAsync);
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapDashboardUi(this WebApplication app)
    {
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
