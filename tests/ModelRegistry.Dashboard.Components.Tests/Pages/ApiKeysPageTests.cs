using Bunit;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Access;
using ModelRegistry.Dashboard.Core;
using ApiKeysPageComponent = ModelRegistry.Dashboard.Components.Pages.Users.ApiKeysPage;

namespace ModelRegistry.Dashboard.Components.Tests.Pages;

/// <summary>The API keys page: the secret shows once, on creation; a revoke takes the key out; only Admins manage keys.</summary>
public sealed class ApiKeysPageTests : DashboardTestContext
{
    private ApiKeyService Keys => Services.GetRequiredService<ApiKeyService>();

    private static Actor Admin => new("seed-admin", ActorRole.Admin);

    [Fact]
    public async Task A_created_key_shows_its_secret_once_and_the_list_shows_only_its_prefix()
    {
        await SeedModelAsync("support-chat");
        var cut = Render<ApiKeysPageComponent>();

        InputOf(cut, "new-key-name").Change("ci-deploy");
        InputOf(cut, "new-key-models").Change("support-chat");
        await cut.Find("[data-testid=create-key-submit]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=key-name]")));
        var secret = cut.Find("[data-testid=new-key-secret-value]").TextContent.Trim();
        Assert.StartsWith("mrk_", secret, StringComparison.Ordinal);
        var stored = Assert.Single(await Keys.ListAsync(Admin, Cancellation));
        Assert.Equal(["support-chat"], stored.Scopes!.Models);
        Assert.NotNull(await Keys.AuthenticateAsync(secret, Cancellation));

        var again = Render<ApiKeysPageComponent>();
        again.WaitForAssertion(() => Assert.Single(again.FindAll("[data-testid=key-name]")));
        Assert.DoesNotContain(secret[13..], again.Markup, StringComparison.Ordinal); // a fresh page never shows it
    }

    [Fact]
    public async Task Revoking_a_key_marks_it_revoked_and_refuses_its_secret()
    {
        var created = await Keys.CreateAsync(Admin, new CreateApiKeyRequest("old", "Automation"), Cancellation);
        var cut = Render<ApiKeysPageComponent>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=key-revoke]")));

        await cut.Find("[data-testid=key-revoke]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("revoked", cut.Find("[data-testid=key-status]").TextContent, StringComparison.Ordinal));
        Assert.Null(await Keys.AuthenticateAsync(created.Secret!, Cancellation));
    }

    [Fact]
    public async Task An_unknown_scope_model_shows_on_its_field_and_no_key_is_made()
    {
        var cut = Render<ApiKeysPageComponent>();

        InputOf(cut, "new-key-name").Change("ci");
        InputOf(cut, "new-key-models").Change("no-such-model");
        await cut.Find("[data-testid=create-key-submit]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.True(FieldHasError(cut, "new-key-models")));
        Assert.Empty(await Keys.ListAsync(Admin, Cancellation));
        Assert.Empty(cut.FindAll("[data-testid=new-key-secret]"));
    }

    [Fact]
    public void An_operator_is_told_only_an_admin_manages_keys()
    {
        Authorization.SetRoles(nameof(ActorRole.Operator));

        var cut = Render<ApiKeysPageComponent>();

        cut.WaitForAssertion(() => Assert.Contains("Only an Admin", cut.Find("[data-testid=keys-forbidden]").TextContent, StringComparison.Ordinal));
    }
}
