using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Access;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Tests.Health;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Access;

/// <summary>
/// Issue 12, single sign-on against a real OpenID Connect provider (<see cref="TestOidcProvider"/>) and the real app on
/// Kestrel with anonymous access off: the provider's groups map to a role (the highest one wins), the user is added on
/// the first sign-in and takes the provider's role again at each one, an unmapped or disabled person stays out, and
/// every outcome is audited as an "sso" sign-in.
/// </summary>
public sealed partial class SingleSignOnTests : IAsyncLifetime
{
    private TestOidcProvider _provider = null!;
    private KestrelDashboardFactory _app = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _provider = await TestOidcProvider.StartAsync();
        _app = new KestrelDashboardFactory(new Dictionary<string, string>
        {
            ["Demo:Traffic:Enabled"] = "false",
            ["Auth:Anonymous:Enabled"] = "false",
            ["Auth:Bootstrap:Email"] = "root@example.com",
            ["Auth:Bootstrap:Password"] = "a long enough passphrase",
            ["Auth:Oidc:Authority"] = _provider.Authority,
            ["Auth:Oidc:ClientId"] = TestOidcProvider.ClientId,
            ["Auth:Oidc:ClientSecret"] = TestOidcProvider.ClientSecret,
            ["Auth:Oidc:RoleMap:platform-admins"] = "Admin",
            ["Auth:Oidc:RoleMap:sre"] = "Operator",
            ["Auth:Oidc:RoleMap:everyone"] = "Viewer",
        });
        await _provider.RegisterClientAsync(_app.BaseUrl);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        await _provider.DisposeAsync();
    }

    private AccountClient NewBrowser() =>
        new(new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = new Uri(_app.BaseUrl) });

    /// <summary>
    /// "Sign in with SSO" as a browser does it: the app's form, the provider's sign-in page, its auto-posting answer to
    /// the app's callback, and the app's completion; the answer is the completion's redirect.
    /// </summary>
    private async Task<HttpResponseMessage> SignInWithSsoAsync(AccountClient browser, string email, string returnUrl = "/deployments")
    {
        using var challenge = await browser.PostFormAsync("/account/login", "/account/sso", new() { ["returnUrl"] = returnUrl });
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var authorize = challenge.Headers.Location!.ToString();
        Assert.StartsWith($"{_provider.Authority}/connect/authorize?", authorize, StringComparison.Ordinal);

        var signInPage = await browser.Http.GetStringAsync(authorize, Ct);
        Assert.Contains("provider-email", signInPage, StringComparison.Ordinal);
        var answer = await browser.Http.GetStringAsync($"{authorize}&test_user={Uri.EscapeDataString(email)}", Ct);

        // OpenIddict answers with a form that posts the code to the app's callback (response_mode=form_post).
        var action = FormAction().Match(answer);
        Assert.True(action.Success, $"The provider did not answer with a form:\n{answer}");
        var fields = HiddenField().Matches(answer).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        using var callback = await browser.Http.PostAsync(WebUtility.HtmlDecode(action.Groups[1].Value), new FormUrlEncodedContent(fields), Ct);
        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.StartsWith("/account/sso/complete?", callback.Headers.Location!.OriginalString, StringComparison.Ordinal);
        return await browser.Http.GetAsync(callback.Headers.Location, Ct);
    }

    private async Task<DashboardUser?> FindUserAsync(string email)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>().FindByEmailAsync(email);
    }

    private async Task<IReadOnlyList<AuditRecord>> AuditAsync(string actor, string action) =>
        (await _app.Services.GetRequiredService<AuditLog>().QueryAsync(new AuditQuery(Actor: actor, Action: action), Ct)).Items;

    [Fact]
    public async Task The_login_page_offers_sso_and_a_person_in_a_mapped_group_comes_back_signed_in_as_that_role()
    {
        _provider.SetUser("sam@example.com", "everyone", "sre");
        using var browser = NewBrowser();
        using var before = await browser.Http.GetAsync("/api/v1/models", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, before.StatusCode);
        Assert.Contains("Sign in with SSO", await browser.Http.GetStringAsync("/account/login", Ct), StringComparison.Ordinal);

        using var done = await SignInWithSsoAsync(browser, "sam@example.com");

        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Equal("/deployments", done.Headers.Location?.OriginalString);
        using var after = await browser.Http.GetAsync("/api/v1/models", Ct);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var user = await FindUserAsync("sam@example.com");
        Assert.NotNull(user);
        Assert.Equal(ActorRole.Operator, user.Role);
        Assert.Null(user.PasswordHash);
        Assert.Equal("sso", user.CreatedBy);
        Assert.Equal("sso", Assert.Single(await AuditAsync("sam@example.com", AuditActions.UserSignedIn)).Reason);
    }

    [Fact]
    public async Task The_role_follows_the_providers_groups_at_each_sign_in()
    {
        _provider.SetUser("pat@example.com", "sre");
        using (var first = NewBrowser())
        {
            using var done = await SignInWithSsoAsync(first, "pat@example.com");
            Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        }

        Assert.Equal(ActorRole.Operator, (await FindUserAsync("pat@example.com"))!.Role);

        _provider.SetUser("pat@example.com", "sre", "platform-admins");
        using (var second = NewBrowser())
        {
            using var done = await SignInWithSsoAsync(second, "pat@example.com");
            Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        }

        Assert.Equal(ActorRole.Admin, (await FindUserAsync("pat@example.com"))!.Role);
        var updates = await AuditAsync("sso", AuditActions.UserUpdated);
        Assert.Equal("pat@example.com", Assert.Single(updates).Target);
    }

    [Fact]
    public async Task A_person_in_no_mapped_group_is_refused_and_the_refusal_is_audited()
    {
        _provider.SetUser("guest@example.com", "contractors");
        using var browser = NewBrowser();

        using var done = await SignInWithSsoAsync(browser, "guest@example.com");

        Assert.Equal("/account/login?error=sso-unmapped", done.Headers.Location?.OriginalString);
        Assert.Null(await FindUserAsync("guest@example.com"));
        using var api = await browser.Http.GetAsync("/api/v1/models", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        var refusal = Assert.Single(await AuditAsync("guest@example.com", AuditActions.UserSignInFailed));
        Assert.Contains("contractors", refusal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unverified_email_does_not_open_the_account_with_that_email()
    {
        _provider.SetUnverifiedUser("root@example.com", "platform-admins");
        using var browser = NewBrowser();

        using var done = await SignInWithSsoAsync(browser, "root@example.com");

        Assert.Equal("/account/login?error=sso-no-email", done.Headers.Location?.OriginalString);
        using var api = await browser.Http.GetAsync("/api/v1/models", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Contains("not verified", Assert.Single(await AuditAsync("root@example.com", AuditActions.UserSignInFailed)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disabled_user_stays_out_whatever_the_provider_says()
    {
        var admin = new Actor("root@example.com", ActorRole.Admin);
        var users = _app.Services.GetRequiredService<UserService>();
        await users.CreateAsync(admin, new CreateUserRequest("gone@example.com", "a long enough passphrase", "Operator"), Ct);
        await users.UpdateAsync(admin, "gone@example.com", new UpdateUserRequest(Disabled: true), Ct);
        _provider.SetUser("gone@example.com", "sre");
        using var browser = NewBrowser();

        using var done = await SignInWithSsoAsync(browser, "gone@example.com");

        Assert.Equal("/account/login?error=disabled", done.Headers.Location?.OriginalString);
        using var api = await browser.Http.GetAsync("/api/v1/models", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Single(await AuditAsync("gone@example.com", AuditActions.UserSignInFailed));
    }

    [GeneratedRegex("<form[^>]*action=\"([^\"]+)\"")]
    private static partial Regex FormAction();

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\"")]
    private static partial Regex HiddenField();
}
