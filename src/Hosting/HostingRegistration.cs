using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Authentication;
using ModelRegistry.Dashboard.Components;
using ModelRegistry.Dashboard.Components.Layout;
using MudBlazor.Services;

namespace ModelRegistry.Dashboard.Hosting;

public static class HostingRegistration
{
    public static IHostApplicationBuilder AddDashboardSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>()
            .Bind(builder.Configuration.GetSection(AuthOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddAuthentication(ActorAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ActorAuthenticationHandler>(ActorAuthenticationHandler.SchemeName, null);
        builder.Services.AddAuthorization();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<CurrentActor>();
        builder.AddApiRateLimiting();
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
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapDashboardUi(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
