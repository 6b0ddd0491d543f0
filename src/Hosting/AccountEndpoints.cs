using System.Security.Claims;
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
/// The forms behind the account pages (server-rendered, antiforgery-checked posts): sign in, sign out, change password,
/// and the one-time setup of the first Admin. A refused form goes back to its page with an error code and nothing else
/// of what was typed but the e-mail; every sign-in, good or bad, is audited.
/// </summary>
public static class AccountEndpoints
{
    public const string SignInPath = "/account/signin";
    public const string SignOutPath = "/account/signout";
    public const string PasswordPath = "/account/password";
    public const string SetupPath = "/account/setup";

    public static WebApplication MapAccountEndpoints(this WebApplication app)
    {
        var account = app.MapGroup("/account").ExcludeFromDescription();
        account.MapPost("/signin", SignInAsync).AllowAnonymous();
        account.MapPost("/signout", SignOutAsync).AllowAnonymous();
        account.MapPost("/password/change", ChangePasswordAsync);
        account.MapPost("/setup/complete", SetupAsync).AllowAnonymous();
        account.MapSingleSignOn();
        return app;
    }

    private static async Task<IResult> SignInAsync(
        [FromForm] string? email,
        [FromForm] string? password,
        [FromForm] string? returnUrl,
        SignInManager<DashboardUser> signIn,
        UserService users,
        HttpContext http)
    {
        var back = SafeReturnUrl(returnUrl);
        IResult Refused(string error) => Results.Redirect(
            $"{ActorAuthenticationHandler.LoginPath}?error={error}&email={Uri.EscapeDataString(email ?? "")}&returnUrl={Uri.EscapeDataString(back)}");

        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            return Refused("missing");
        }

        var user = await signIn.UserManager.FindByEmailAsync(email.Trim());
        if (user is null)
        {
            await users.RecordSignInAsync(email.Trim(), succeeded: false, "password", "no such user", http.RequestAborted);
            return Refused("invalid");
        }

        if (user.Disabled)
        {
            await users.RecordSignInAsync(user.Email!, succeeded: false, "password", "the account is disabled", http.RequestAborted);
            return Refused("disabled");
        }

        var result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            await users.RecordSignInAsync(user.Email!, succeeded: true, "password", null, http.RequestAborted);
            return Results.LocalRedirect(back);
        }

        var why = result.IsLockedOut ? "locked out" : "wrong password";
        await users.RecordSignInAsync(user.Email!, succeeded: false, "password", why, http.RequestAborted);
        return Refused(result.IsLockedOut ? "locked" : "invalid");
    }

    private static async Task<IResult> SignOutAsync(SignInManager<DashboardUser> signIn)
    {
        await signIn.SignOutAsync();
        return Results.Redirect(ActorAuthenticationHandler.LoginPath);
    }

    private static async Task<IResult> ChangePasswordAsync(
        [FromForm] string? currentPassword,
        [FromForm] string? newPassword,
        ClaimsPrincipal principal,
        SignInManager<DashboardUser> signIn)
    {
        if (!principal.IsSignedInPerson() || await signIn.UserManager.FindByEmailAsync(principal.Identity!.Name!) is not { } user)
        {
            return Results.Redirect($"{PasswordPath}?error=not-signed-in");
        }

        if (string.IsNullOrEmpty(currentPassword) || string.IsNullOrEmpty(newPassword))
        {
            return Results.Redirect($"{PasswordPath}?error=missing");
        }

        var result = await signIn.UserManager.ChangePasswordAsync(user, currentPassword, newPassword);
        if (!result.Succeeded)
        {
            var message = string.Join(" ", result.Errors.Select(e => e.Description));
            return Results.Redirect($"{PasswordPath}?error=refused&message={Uri.EscapeDataString(message)}");
        }

        await signIn.RefreshSignInAsync(user);
        return Results.Redirect($"{PasswordPath}?changed=1");
    }

    private static async Task<IResult> SetupAsync(
        [FromForm] string? token,
        [FromForm] string? email,
        [FromForm] string? password,
        FirstAdminSetup setup,
        UserService users,
        SignInManager<DashboardUser> signIn,
        HttpContext http)
    {
        var back = $"{SetupPath}?token={Uri.EscapeDataString(token ?? "")}&email={Uri.EscapeDataString(email ?? "")}";
        if (!setup.Accepts(token))
        {
            return Results.Redirect($"{back}&error=token");
        }

        try
        {
            if (!await users.CreateFirstAdminAsync(email ?? "", password ?? "", "setup link", http.RequestAborted))
            {
                return Results.Redirect($"{back}&error=done");
            }
        }
        catch (ValidationFailedException invalid)
        {
            var message = string.Join(" ", invalid.Errors.SelectMany(e => e.Value));
            return Results.Redirect($"{back}&error=refused&message={Uri.EscapeDataString(message)}");
        }

        setup.Complete();
        var user = await signIn.UserManager.FindByEmailAsync(email!.Trim());
        await signIn.SignInAsync(user!, isPersistent: false);
        return Results.Redirect("/");
    }

    /// <summary>Only a path of this app (never another host), so a crafted link cannot bounce a sign-in elsewhere.</summary>
    internal static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) ? url : "/";
}

/// <summary>
/// The one-time setup link of a fresh production start without <c>Auth:Bootstrap:*</c>: a random token, logged once,
/// valid for an hour and for the first Admin only.
/// </summary>
public sealed class FirstAdminSetup(TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private string? _token;
    private DateTimeOffset _expires;

    public string Issue()
    {
        _token = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
        _expires = clock.GetUtcNow() + Lifetime;
        return _token;
    }

    public bool Accepts(string? token) =>
        _token is { } expected && token is not null && clock.GetUtcNow() < _expires
        && System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(expected), System.Text.Encoding.UTF8.GetBytes(token));

    public void Complete() => _token = null;
}

/// <summary>Adds the user's <see cref="DashboardUser.Role"/> to the sign-in cookie's identity.</summary>
internal sealed class DashboardClaimsFactory(UserManager<DashboardUser> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<DashboardUser>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(DashboardUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaim(new Claim(ClaimTypes.Role, user.Role.ToString()));
        return identity;
    }
}
