using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Access;
using ModelRegistry.Dashboard.Core;

namespace ModelRegistry.Dashboard.Hosting;

/// <summary>
/// "Sign in with SSO" (<c>Auth:Oidc:*</c>): the sign-in form posts to <see cref="StartPath"/>, which challenges the
/// OpenID Connect provider (authorization code with PKCE); its answer lands in Identity's external cookie and then at
/// <see cref="CompletePath"/>, which maps the provider's groups to a role, finds or adds the user by e-mail (a disabled
/// one stays out), signs them into the usual session cookie, audits the sign-in as "sso", and goes back to a local page.
/// </summary>
public static class SingleSignOn
{
    public const string Scheme = "oidc";
    public const string StartPath = "/account/sso";
    public const string CompletePath = "/account/sso/complete";

    /// <summary>The OpenID Connect handler, registered only when <c>Auth:Oidc:Authority</c> is set.</summary>
    internal static void AddSingleSignOn(this IHostApplicationBuilder builder, AuthenticationBuilder authentication)
    {
        var oidc = builder.Configuration.GetSection($"{AuthOptions.Section}:Oidc").Get<OidcOptions>() ?? new OidcOptions();
        if (!oidc.Enabled)
        {
            return;
        }

        var development = builder.Environment.IsDevelopment();
        authentication.AddOpenIdConnect(Scheme, oidc.DisplayName, o =>
        {
            o.SignInScheme = IdentityConstants.ExternalScheme;
            o.Authority = oidc.Authority;
            o.ClientId = oidc.ClientId;
            o.ClientSecret = string.IsNullOrEmpty(oidc.ClientSecret) ? null : oidc.ClientSecret;
            o.ResponseType = "code";
            o.UsePkce = true;
            // Outside Development only an explicitly allowed provider on loopback (checked at start) may be plain http.
            o.RequireHttpsMetadata = !development && !oidc.AllowHttpOnLoopback;
            o.MapInboundClaims = false; // claims keep the provider's names, so RoleClaim is what the provider calls it
            o.GetClaimsFromUserInfoEndpoint = false;
            o.Scope.Clear();
            foreach (var scope in oidc.Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                o.Scope.Add(scope);
            }

            if (development)
            {
                // Over plain http (a local provider) the default SameSite=None+Secure cookies would be dropped.
                o.CorrelationCookie.SecurePolicy = o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.CorrelationCookie.SameSite = o.NonceCookie.SameSite = SameSiteMode.Lax;
            }

            o.Events.OnRemoteFailure = context =>
            {
                context.Response.Redirect($"{ActorAuthenticationHandler.LoginPath}?error=sso-failed");
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
    }

    internal static void MapSingleSignOn(this RouteGroupBuilder account)
    {
        account.MapPost("/sso", Start).AllowAnonymous();
        account.MapGet("/sso/complete", CompleteAsync).AllowAnonymous();
    }

    private static IResult Start([FromForm] string? returnUrl, IOptions<AuthOptions> auth)
    {
        if (!auth.Value.Oidc.Enabled)
        {
            return Results.NotFound();
        }

        var back = AccountEndpoints.SafeReturnUrl(returnUrl);
        return Results.Challenge(new AuthenticationProperties { RedirectUri = $"{CompletePath}?returnUrl={Uri.EscapeDataString(back)}" }, [Scheme]);
    }

    private static async Task<IResult> CompleteAsync(
        string? returnUrl,
        HttpContext http,
        IOptions<AuthOptions> auth,
        SignInManager<DashboardUser> signIn,
        UserService users)
    {
        var oidc = auth.Value.Oidc;
        var external = await http.AuthenticateAsync(IdentityConstants.ExternalScheme);
        await http.SignOutAsync(IdentityConstants.ExternalScheme);
        if (!oidc.Enabled || !external.Succeeded)
        {
            return Refused("sso-failed");
        }

        var principal = external.Principal;
        var email = principal.FindFirstValue("email") ?? principal.FindFirstValue(ClaimTypes.Email);
        if (string.IsNullOrWhiteSpace(email))
        {
            await users.RecordSignInAsync(principal.FindFirstValue("sub") ?? "unknown", succeeded: false, "sso", "the provider sent no e-mail", http.RequestAborted);
            return Refused("sso-no-email");
        }

        if (string.Equals(principal.FindFirstValue("email_verified"), "false", StringComparison.OrdinalIgnoreCase))
        {
            // Someone else's address, unverified, must not open that person's account here.
            await users.RecordSignInAsync(email, succeeded: false, "sso", "the provider has not verified the e-mail", http.RequestAborted);
            return Refused("sso-no-email");
        }

        var groups = principal.FindAll(oidc.RoleClaim).Select(c => c.Value).ToList();
        if (SingleSignOnRoles.Map(groups, oidc.RoleMap) is not { } role)
        {
            var why = $"no mapped group in '{oidc.RoleClaim}' ({(groups.Count == 0 ? "none sent" : string.Join(", ", groups))})";
            await users.RecordSignInAsync(email, succeeded: false, "sso", why, http.RequestAborted);
            return Refused("sso-unmapped");
        }

        SingleSignOnOutcome outcome;
        try
        {
            outcome = await users.SignInFromProviderAsync(email, role, http.RequestAborted);
        }
        catch (ValidationFailedException)
        {
            await users.RecordSignInAsync(email, succeeded: false, "sso", "the provider's e-mail is not an address", http.RequestAborted);
            return Refused("sso-no-email");
        }

        if (outcome == SingleSignOnOutcome.Disabled)
        {
            await users.RecordSignInAsync(email, succeeded: false, "sso", "the account is disabled", http.RequestAborted);
            return Refused("disabled");
        }

        var user = await signIn.UserManager.FindByEmailAsync(email.Trim());
        await signIn.SignInAsync(user!, isPersistent: false, authenticationMethod: "sso");
        await users.RecordSignInAsync(user!.Email!, succeeded: true, "sso", null, http.RequestAborted);
        return Results.LocalRedirect(AccountEndpoints.SafeReturnUrl(returnUrl));
    }

    private static IResult Refused(string error) => Results.Redirect($"{ActorAuthenticationHandler.LoginPath}?error={error}");
}
