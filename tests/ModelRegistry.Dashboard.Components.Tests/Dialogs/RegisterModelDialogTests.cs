using Bunit;
using Bunit.Rendering;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Components.Dialogs;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Registry;
using MudBlazor;

namespace ModelRegistry.Dashboard.Components.Tests.Dialogs;

public sealed class RegisterModelDialogTests : DashboardTestContext
{
    [Fact]
    public async Task An_invalid_name_shows_the_rule_on_the_field_and_registers_nothing()
    {
        var (host, dialog) = await OpenAsync();

        InputOf(host, "model-name").Input("Bad Name");
        await host.Find("[data-testid=submit]").ClickAsync(new());

        host.WaitForAssertion(() =>
        {
            Assert.True(FieldHasError(host, "model-name"));
            Assert.Contains("Name must be 2–63 characters of lowercase letters, digits and hyphens", FieldText(host, "model-name"), StringComparison.Ordinal);
        });
        Assert.Equal(0, await CountModelsAsync());
        Assert.False(dialog.Result.IsCompleted);
        Assert.Single(host.FindAll("[data-testid=register-model-dialog]"));
    }

    [Fact]
    public async Task A_duplicate_name_shows_already_registered_on_the_name_field_and_stores_nothing_new()
    {
        await SeedModelAsync("support-chat", displayName: "Original");
        var (host, dialog) = await OpenAsync();

        InputOf(host, "model-name").Input("support-chat");
        InputOf(host, "model-display-name").Change("Impostor");
        await host.Find("[data-testid=submit]").ClickAsync(new());

        host.WaitForAssertion(() =>
        {
            Assert.True(FieldHasError(host, "model-name"));
            Assert.Contains("A model named 'support-chat' is already registered", FieldText(host, "model-name"), StringComparison.Ordinal);
        });
        Assert.Empty(host.FindAll("[data-testid=form-error]"));
        Assert.Equal(1, await CountModelsAsync());
        Assert.Equal("Original", (await Models.GetAsync("support-chat", Cancellation)).DisplayName);
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task After_a_duplicate_the_operator_can_pick_another_name_and_register()
    {
        await SeedModelAsync("support-chat");
        var (host, dialog) = await OpenAsync();
        InputOf(host, "model-name").Input("support-chat");
        await host.Find("[data-testid=submit]").ClickAsync(new());
        host.WaitForAssertion(() => Assert.Contains("already registered", FieldText(host, "model-name"), StringComparison.Ordinal));

        // As in a browser: the operator leaves the field (blur), comes back and types another name.
        InputOf(host, "model-name").Blur();
        InputOf(host, "model-name").Input("support-chat-eu");
        await host.Find("[data-testid=submit]").ClickAsync(new());

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.False(result!.Canceled);
        Assert.Equal(2, await CountModelsAsync());
    }

    [Fact]
    public async Task A_valid_submission_registers_the_model_as_the_operator_and_closes_the_dialog()
    {
        var (host, dialog) = await OpenAsync();

        InputOf(host, "model-name").Input("support-chat");
        InputOf(host, "model-display-name").Change("Support chat");
        InputOf(host, "model-description").Change("Answers customers.");
        InputOf(host, "model-owner").Change("team-support");
        InputOf(host, "model-tags").Change("chat, customer-facing");
        await host.Find("[data-testid=submit]").ClickAsync(new());

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.False(result!.Canceled);
        Assert.Equal("support-chat", Assert.IsType<ModelSummary>(result.Data).Name);
        host.WaitForAssertion(() => Assert.Empty(host.FindAll("[data-testid=register-model-dialog]")));

        var stored = await Models.GetAsync("support-chat", Cancellation);
        Assert.Equal("Support chat", stored.DisplayName);
        Assert.Equal("Answers customers.", stored.Description);
        Assert.Equal("team-support", stored.Owner);
        Assert.Equal(["chat", "customer-facing"], stored.Tags);
        Assert.Equal(OperatorName, stored.CreatedBy);
    }

    [Fact]
    public async Task A_refusal_no_field_claims_is_shown_above_the_form()
    {
        Authorization.SetRoles(nameof(ActorRole.Viewer));
        var (host, dialog) = await OpenAsync();

        InputOf(host, "model-name").Input("support-chat");
        await host.Find("[data-testid=submit]").ClickAsync(new());

        host.WaitForAssertion(() => Assert.Equal(
            "test-operator (Viewer) may not register models: it needs the Automation role.",
            host.Find("[data-testid=form-error]").TextContent.Trim()));
        Assert.Equal(0, await CountModelsAsync());
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task A_tag_refused_by_the_engine_is_shown_on_the_tags_field()
    {
        var (host, dialog) = await OpenAsync();

        InputOf(host, "model-name").Input("support-chat");
        InputOf(host, "model-tags").Change("chat, Customer-Facing");
        await host.Find("[data-testid=submit]").ClickAsync(new());

        host.WaitForAssertion(() =>
        {
            Assert.True(FieldHasError(host, "model-tags"));
            Assert.Contains("Tag 'Customer-Facing' must be 1–40 lowercase letters", FieldText(host, "model-tags"), StringComparison.Ordinal);
        });
        Assert.False(FieldHasError(host, "model-name"));
        Assert.Equal(0, await CountModelsAsync());
        Assert.False(dialog.Result.IsCompleted);
    }

    /// <summary>
    /// A field error from the engine on a field without an OnBlur reset (tags, owner, …) must not keep the corrected
    /// form invalid for one more click (it once did: the first Register after the fix did nothing).
    /// </summary>
    [Fact]
    public async Task After_the_engine_refuses_a_tag_the_corrected_form_registers_on_the_next_click()
    {
        var (host, dialog) = await OpenAsync();
        InputOf(host, "model-name").Input("support-chat");
        InputOf(host, "model-tags").Change("Chat");
        await host.Find("[data-testid=submit]").ClickAsync(new());
        host.WaitForAssertion(() => Assert.True(FieldHasError(host, "model-tags")));

        InputOf(host, "model-tags").Blur();
        InputOf(host, "model-tags").Change("chat");
        await host.Find("[data-testid=submit]").ClickAsync(new());

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.False(result!.Canceled);
        Assert.Equal(["chat"], (await Models.GetAsync("support-chat", Cancellation)).Tags);
    }

    [Fact]
    public async Task Cancel_closes_the_dialog_and_registers_nothing()
    {
        var (host, dialog) = await OpenAsync();
        InputOf(host, "model-name").Input("support-chat");

        await host.Find("[data-testid=cancel]").ClickAsync(new());

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.True(result!.Canceled);
        Assert.Equal(0, await CountModelsAsync());
    }

    private async Task<(IRenderedComponent<ContainerFragment> Host, IDialogReference Dialog)> OpenAsync()
    {
        var host = RenderWithProviders();
        var dialogs = Services.GetRequiredService<IDialogService>();
        var dialog = await Renderer.Dispatcher.InvokeAsync(() => dialogs.ShowAsync<RegisterModelDialog>("Register model"));
        host.WaitForElement("[data-testid=register-model-dialog]");
        return (host, dialog);
    }
}
