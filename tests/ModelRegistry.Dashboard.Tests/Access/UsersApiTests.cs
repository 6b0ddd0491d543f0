using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ModelRegistry.Dashboard.Access;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Access;

/// <summary>
/// <c>/api/v1/users</c>: an Admin adds people with a role, changes it, disables them; bad input names its field and
/// stores nothing; the last enabled Admin stays; what a disabled person can no longer do.
/// </summary>
public sealed class UsersApiTests : IAsyncDisposable
{
    private const string AdminEmail = "grace@example.com";
    private const string Password = "a long enough passphrase";

    private readonly DashboardFactory _app = new()
    {
        AnonymousEnabled = false,
        Settings = new Dictionary<string, string>
        {
            ["Auth:Bootstrap:Email"] = AdminEmail,
            ["Auth:Bootstrap:Password"] = Password,
            ["Auth:SessionCheckSeconds"] = "0", // every request re-checks its session against the user
        },
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task<AccountClient> SignedInAsync(string email, string password = Password)
    {
        var browser = new AccountClient(_app);
        await browser.SignInOrFailAsync(email, password);
        return browser;
    }

    [Fact]
    public async Task An_admin_adds_an_operator_who_signs_in_and_acts_as_an_operator()
    {
        using var admin = await SignedInAsync(AdminEmail);

        using var created = await admin.Http.PostAsJsonAsync("/api/v1/users", new { email = "linus@example.com", password = Password, role = "Operator" }, Ct);
        var user = await created.ReadJsonAsync(HttpStatusCode.Created);
        Assert.Equal(("linus@example.com", "operator"), (user.GetProperty("email").GetString(), user.GetProperty("role").GetString()));
        Assert.False(user.TryGetProperty("password", out _));
        Assert.False(user.TryGetProperty("passwordHash", out _));

        using var linus = await SignedInAsync("linus@example.com");
        using var list = await linus.Http.GetAsync("/api/v1/users", Ct);
        await list.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        var model = Seed.UniqueName("op");
        await Seed.ModelAsync(linus.Http, model); // an Operator may register
        var audit = await admin.Http.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action={AuditActions.UserCreated}", Ct);
        Assert.Contains(audit.GetProperty("items").EnumerateArray(), e =>
            e.GetProperty("target").GetString() == "linus@example.com" && e.GetProperty("actor").GetString() == AdminEmail);
    }

    [Theory]
    [InlineData("not-an-email", Password, "Operator", "email")]
    [InlineData("a@example.com", "short", "Operator", "password")]
    [InlineData("a@example.com", Password, "Automation", "role")]
    [InlineData("a@example.com", Password, "Root", "role")]
    [InlineData(null, Password, "Viewer", "email")]
    public async Task Bad_input_is_refused_naming_the_field_and_nobody_is_added(string? email, string password, string role, string field)
    {
        using var admin = await SignedInAsync(AdminEmail);

        using var response = await admin.Http.PostAsJsonAsync("/api/v1/users", new { email, password, role }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, field);
        var users = await admin.Http.GetFromJsonAsync<JsonElement>("/api/v1/users", Ct);
        Assert.Equal(1, users.GetArrayLength());
    }

    [Fact]
    public async Task A_second_user_with_the_same_email_is_a_409_naming_the_email()
    {
        using var admin = await SignedInAsync(AdminEmail);

        using var response = await admin.Http.PostAsJsonAsync("/api/v1/users", new { email = AdminEmail, password = Password, role = "Viewer" }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_last_enabled_admin_can_be_neither_demoted_nor_disabled_until_another_admin_exists()
    {
        using var admin = await SignedInAsync(AdminEmail);

        using var demote = await admin.Http.PatchAsJsonAsync($"/api/v1/users/{AdminEmail}", new { role = "Operator" }, Ct);
        using var disable = await admin.Http.PatchAsJsonAsync($"/api/v1/users/{AdminEmail}", new { disabled = true }, Ct);
        Assert.Contains("last enabled Admin", (await demote.ShouldBeProblemAsync(HttpStatusCode.Conflict)).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await disable.ShouldBeProblemAsync(HttpStatusCode.Conflict);

        (await admin.Http.PostAsJsonAsync("/api/v1/users", new { email = "second@example.com", password = Password, role = "Admin" }, Ct)).EnsureSuccessStatusCode();
        using var demoteNow = await admin.Http.PatchAsJsonAsync($"/api/v1/users/{AdminEmail}", new { role = "Operator" }, Ct);
        Assert.Equal("operator", (await demoteNow.ReadJsonAsync()).GetProperty("role").GetString());
    }

    [Fact]
    public async Task A_disabled_user_cannot_sign_in_and_is_told_so()
    {
        using var admin = await SignedInAsync(AdminEmail);
        (await admin.Http.PostAsJsonAsync("/api/v1/users", new { email = "gone@example.com", password = Password, role = "Operator" }, Ct)).EnsureSuccessStatusCode();

        using var disabled = await admin.Http.PatchAsJsonAsync("/api/v1/users/gone@example.com", new { disabled = true }, Ct);
        Assert.True((await disabled.ReadJsonAsync()).GetProperty("disabled").GetBoolean());

        using var browser = new AccountClient(_app);
        using var signIn = await browser.SignInAsync("gone@example.com", Password);
        Assert.StartsWith("/account/login?error=disabled", signIn.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"role\":\"Viewer\"}")]
    [InlineData("{\"disabled\":true}")]
    public async Task A_role_change_or_a_disable_ends_the_users_open_session_at_its_next_check(string change)
    {
        using var admin = await SignedInAsync(AdminEmail);
        (await admin.Http.PostAsJsonAsync("/api/v1/users", new { email = "moved@example.com", password = Password, role = "Operator" }, Ct)).EnsureSuccessStatusCode();
        using var moved = await SignedInAsync("moved@example.com");
        using (var before = await moved.Http.GetAsync("/api/v1/models", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var patch = await admin.Http.PatchAsync("/api/v1/users/moved@example.com", new StringContent(change, System.Text.Encoding.UTF8, "application/json"), Ct);
        patch.EnsureSuccessStatusCode();

        using var after = await moved.Http.GetAsync("/api/v1/models", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }
}
