using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Access;

/// <summary>
/// Issue 12, people: with anonymous access off (production's default) nothing but <c>/healthz</c> and the sign-in page
/// answers a stranger; the first Admin comes from <c>Auth:Bootstrap</c>; people sign in with a password, act as
/// themselves in the audit log, and are locked out after five wrong passwords.
/// </summary>
public sealed class SignInTests : IAsyncDisposable
{
    private const string AdminEmail = "ada@example.com";
    private const string AdminPassword = "correct horse battery staple";

    private readonly DashboardFactory _app = new()
    {
        AnonymousEnabled = false,
        Settings = new Dictionary<string, string>
        {
            ["Auth:Bootstrap:Email"] = AdminEmail,
            ["Auth:Bootstrap:Password"] = AdminPassword,
        },
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task A_stranger_gets_the_sign_in_page_for_a_page_401_from_the_api_and_only_healthz_answers()
    {
        using var stranger = new AccountClient(_app);

        using var page = await stranger.Http.GetAsync("/deployments", Ct);
        using var api = await stranger.Http.GetAsync("/api/v1/models", Ct);
        using var post = await stranger.Http.PostAsJsonAsync("/api/v1/models", new { name = "sneaky" }, Ct);
        using var health = await stranger.Http.GetAsync("/healthz", Ct);
        using var login = await stranger.Http.GetAsync("/account/login", Ct);

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/account/login?returnUrl=%2Fdeployments", page.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, post.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var loginPage = await login.Content.ReadAsStringAsync(Ct);
        Assert.Contains("data-testid=\"login-form\"", loginPage, StringComparison.Ordinal);
        Assert.DoesNotContain("sso-form", loginPage, StringComparison.Ordinal); // single sign-on is not configured
    }

    [Fact]
    public async Task The_bootstrapped_admin_signs_in_and_their_changes_are_audited_under_their_name()
    {
        using var browser = new AccountClient(_app);

        using var signIn = await browser.SignInAsync(AdminEmail, AdminPassword, returnUrl: "/deployments");
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.Equal("/deployments", signIn.Headers.Location?.OriginalString);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("mr.session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);

        var model = Seed.UniqueName("signed");
        await Seed.ModelAsync(browser.Http, model);

        var audit = await browser.Http.GetFromJsonAsync<JsonElement>($"/api/v1/audit?model={model}", Ct);
        var entry = Assert.Single(audit.GetProperty("items").EnumerateArray());
        Assert.Equal(AdminEmail, entry.GetProperty("actor").GetString());
        var signIns = await browser.Http.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action={AuditActions.UserSignedIn}", Ct);
        Assert.Contains(signIns.GetProperty("items").EnumerateArray(), e => e.GetProperty("actor").GetString() == AdminEmail);
    }

    [Fact]
    public async Task A_return_url_to_another_site_is_replaced_by_the_overview()
    {
        using var browser = new AccountClient(_app);

        using var signIn = await browser.SignInAsync(AdminEmail, AdminPassword, returnUrl: "//evil.example.com/phish");

        Assert.Equal("/", signIn.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one_and_each_attempt_is_audited()
    {
        using var browser = new AccountClient(_app);
        for (var attempt = 1; attempt <= 4; attempt++)
        {
            using var wrong = await browser.SignInAsync(AdminEmail, $"Tr0ub4dor&3-guess-{attempt}");
            Assert.StartsWith("/account/login?error=invalid", wrong.Headers.Location?.OriginalString, StringComparison.Ordinal);
        }

        using var fifth = await browser.SignInAsync(AdminEmail, "Tr0ub4dor&3-guess-5");
        using var right = await browser.SignInAsync(AdminEmail, AdminPassword);

        Assert.StartsWith("/account/login?error=locked", fifth.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.StartsWith("/account/login?error=locked", right.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.False(right.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("mr.session=", StringComparison.Ordinal)));
        var users = await _app.GetRequiredService<Dashboard.Access.UserService>().ListAsync(new Actor("test", ActorRole.Admin), Ct);
        Assert.NotNull(Assert.Single(users).LockedOutUntil);
        using var api = _app.CreateApiKeyClient();
        var failures = await api.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action={AuditActions.UserSignInFailed}", Ct);
        Assert.Equal(6, failures.GetProperty("items").GetArrayLength());
        Assert.DoesNotContain("Tr0ub4dor", failures.ToString(), StringComparison.Ordinal); // no password is ever audited
    }

    [Fact]
    public async Task The_sign_in_form_without_its_antiforgery_token_is_refused()
    {
        using var browser = new AccountClient(_app);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = AdminEmail, ["password"] = AdminPassword });

        using var response = await browser.Http.PostAsync("/account/signin", form, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith("mr.session=", StringComparison.Ordinal)));
    }
}
