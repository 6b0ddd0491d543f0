using Bunit;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Access;
using ModelRegistry.Dashboard.Core;
using UsersPageComponent = ModelRegistry.Dashboard.Components.Pages.Users.UsersPage;

namespace ModelRegistry.Dashboard.Components.Tests.Pages;

/// <summary>The Users page: an Admin adds people and changes them through the engine; refusals show where they belong.</summary>
public sealed class UsersPageTests : DashboardTestContext
{
    private const string Password = "a long enough passphrase";

    private UserService Users => Services.GetRequiredService<UserService>();

    private static Actor Admin => new("seed-admin", ActorRole.Admin);

    private static List<string> Emails(IRenderedComponent<UsersPageComponent> cut) =>
        [.. cut.FindAll("[data-testid=user-email]").Select(e => e.TextContent.Trim())];

    [Fact]
    public async Task An_admin_adds_a_user_who_appears_in_the_list_with_the_chosen_role()
    {
        await Users.CreateFirstAdminAsync("ada@example.com", Password, "test", Cancellation);
        var cut = Render<UsersPageComponent>();
        cut.WaitForAssertion(() => Assert.Equal(["ada@example.com"], Emails(cut)));

        InputOf(cut, "new-user-email").Change("linus@example.com");
        InputOf(cut, "new-user-password").Change(Password);
        await cut.Find("[data-testid=add-user-submit]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Equal(["ada@example.com", "linus@example.com"], Emails(cut)));
        var stored = (await Users.ListAsync(Admin, Cancellation)).Single(u => u.Email == "linus@example.com");
        Assert.Equal((ActorRole.Operator, OperatorName), (stored.Role, stored.CreatedBy)); // the form's default role, added by the circuit's user
    }

    [Fact]
    public async Task A_short_password_shows_on_its_field_and_nobody_is_added()
    {
        await Users.CreateFirstAdminAsync("ada@example.com", Password, "test", Cancellation);
        var cut = Render<UsersPageComponent>();

        InputOf(cut, "new-user-email").Change("linus@example.com");
        InputOf(cut, "new-user-password").Change("short");
        await cut.Find("[data-testid=add-user-submit]").ClickAsync(new());

        cut.WaitForAssertion(() =>
        {
            Assert.True(FieldHasError(cut, "new-user-password"));
            Assert.Contains("12", FieldText(cut, "new-user-password"), StringComparison.Ordinal);
        });
        Assert.Single(await Users.ListAsync(Admin, Cancellation));
    }

    [Fact]
    public async Task Disabling_the_last_admin_is_refused_with_the_reason_shown_and_nothing_changes()
    {
        await Users.CreateFirstAdminAsync("ada@example.com", Password, "test", Cancellation);
        var cut = Render<UsersPageComponent>();
        cut.WaitForAssertion(() => Assert.Single(Emails(cut)));

        await cut.Find("[data-testid=user-toggle]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("last enabled Admin", cut.Find("[data-testid=users-error]").TextContent, StringComparison.Ordinal));
        Assert.False(Assert.Single(await Users.ListAsync(Admin, Cancellation)).Disabled);
    }

    [Fact]
    public async Task A_user_added_elsewhere_appears_live()
    {
        await Users.CreateFirstAdminAsync("ada@example.com", Password, "test", Cancellation);
        var cut = Render<UsersPageComponent>();
        cut.WaitForAssertion(() => Assert.Single(Emails(cut)));

        await Users.CreateAsync(Admin, new CreateUserRequest("grace@example.com", Password, "Viewer"), Cancellation);

        cut.WaitForAssertion(() => Assert.Equal(["ada@example.com", "grace@example.com"], Emails(cut)));
    }

    [Fact]
    public void An_operator_is_told_only_an_admin_manages_users()
    {
        Authorization.SetRoles(nameof(ActorRole.Operator));

        var cut = Render<UsersPageComponent>();

        cut.WaitForAssertion(() => Assert.Contains("Only an Admin", cut.Find("[data-testid=users-forbidden]").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=add-user]"));
    }
}
