using Bunit;
using Bunit.Rendering;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Components.Dialogs;
using ModelRegistry.Dashboard.Registry;
using MudBlazor;

namespace ModelRegistry.Dashboard.Components.Tests.Dialogs;

public sealed class RegisterVersionDialogTests : DashboardTestContext
{
    private const string Model = "support-chat";

    [Fact]
    public async Task A_number_that_is_not_semver_shows_the_rule_on_the_version_field_and_stores_nothing()
    {
        var (host, dialog) = await OpenAsync(latestVersion: "1.4.0");

        InputOf(host, "version-number").Input("1.2");
        InputOf(host, "version-endpoint").Input("https://models.internal/support-chat/1.2/");
        await host.Find("[data-testid=submit]").ClickAsync(new());

        host.WaitForAssertion(() =>
        {
            Assert.True(FieldHasError(host, "version-number"));
            Assert.Contains("'1.2' is not a semantic version: use MAJOR.MINOR.PATCH", FieldText(host, "version-number"), StringComparison.Ordinal);
        });
        Assert.Equal(["1.4.0"], await VersionNumbersAsync());
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task A_duplicate_number_shows_the_conflict_on_the_version_field()
    {
        var (host, dialog) = await OpenAsync(latestVersion: "1.4.0");

        InputOf(host, "version-number").Input("1.4.0");
        InputOf(host, "version-endpoint").Input("https://models.internal/support-chat/other/");
        await host.Find("[data-testid=submit]").ClickAsync(new());

        host.WaitForAssertion(() =>
        {
            Assert.True(FieldHasError(host, "version-number"));
            Assert.Contains("support-chat@1.4.0 is already registered; a version number is immutable", FieldText(host, "version-number"), StringComparison.Ordinal);
        });
        Assert.Empty(host.FindAll("[data-testid=form-error]"));
        var stored = await Versions.GetAsync(Model, "1.4.0", Cancellation);
        Assert.Equal("https://models.internal/support-chat/1.4.0/", stored.Endpoint);
        Assert.False(dialog.Result.IsCompleted);
    }

    [Theory]
    [InlineData("ftp://models.internal/support-chat/")]
    [InlineData("models.internal/support-chat")]
    public async Task An_endpoint_that_is_not_an_absolute_http_url_shows_its_message(string endpoint)
    {
        var (host, dialog) = await OpenAsync(latestVersion: "1.4.0");

        InputOf(host, "version-number").Input("1.5.0");
        InputOf(host, "version-endpoint").Input(endpoint);
        await host.Find("[data-testid=submit]").ClickAsync(new());

        host.WaitForAssertion(() =>
        {
            Assert.True(FieldHasError(host, "version-endpoint"));
            Assert.Contains("Endpoint must be an absolute http or https URL", FieldText(host, "version-endpoint"), StringComparison.Ordinal);
        });
        Assert.Equal(["1.4.0"], await VersionNumbersAsync());
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task The_helper_text_compares_the_typed_number_with_the_latest_version()
    {
        var (host, _) = await OpenAsync(latestVersion: "1.4.0");
        Assert.Contains("Newest is 1.4.0. Same MAJOR = compatible.", FieldText(host, "version-number"), StringComparison.Ordinal);

        InputOf(host, "version-number").Input("2.0.0");
        host.WaitForAssertion(() =>
            Assert.Contains("Breaking change: major version 1 → 2.", FieldText(host, "version-number"), StringComparison.Ordinal));

        InputOf(host, "version-number").Input("1.5.0");
        host.WaitForAssertion(() =>
        {
            var text = FieldText(host, "version-number");
            Assert.Contains("Compatible: both are major version 1; 1.5.0 is an upgrade from 1.4.0.", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Breaking", text, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task For_a_model_without_versions_the_helper_text_shows_the_format()
    {
        var (host, _) = await OpenAsync(latestVersion: null, seedVersion: false);

        InputOf(host, "version-number").Input("2.0.0");

        host.WaitForAssertion(() =>
            Assert.Contains("MAJOR.MINOR.PATCH[-prerelease], e.g. 1.0.0.", FieldText(host, "version-number"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_valid_submission_stores_the_version_with_its_metadata_and_closes_the_dialog()
    {
        var (host, dialog) = await OpenAsync(latestVersion: "1.4.0");

        InputOf(host, "version-number").Input("1.5.0");
        InputOf(host, "version-endpoint").Input("https://models.internal/support-chat/1.5.0/");
        InputOf(host, "version-changelog").Change("Friendlier tone.\nFewer hallucinated order numbers.");
        InputOf(host, "version-provider").Change("openai");
        InputOf(host, "version-context-window").Change("128000");
        InputOf(host, "version-upstream-model").Change("gpt-4o-mini-2024-07-18");
        await host.Find("[data-testid=submit]").ClickAsync(new());

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.False(result!.Canceled);
        Assert.Equal("1.5.0", Assert.IsType<VersionInfo>(result.Data).Version);
        host.WaitForAssertion(() => Assert.Empty(host.FindAll("[data-testid=register-version-dialog]")));

        var stored = await Versions.GetAsync(Model, "1.5.0", Cancellation);
        Assert.Equal("https://models.internal/support-chat/1.5.0/", stored.Endpoint);
        Assert.Equal("Friendlier tone.\nFewer hallucinated order numbers.", stored.Changelog);
        Assert.Equal(new VersionMetadata("openai", 128_000, UpstreamModel: "gpt-4o-mini-2024-07-18"), stored.Metadata);
        Assert.Equal(VersionStatus.Active, stored.Status);
        Assert.Equal(OperatorName, stored.CreatedBy);
    }

    [Fact]
    public async Task A_metadata_value_refused_by_the_engine_is_shown_on_its_field_by_its_label()
    {
        var (host, dialog) = await OpenAsync(latestVersion: "1.4.0");

        InputOf(host, "version-number").Input("1.5.0");
        InputOf(host, "version-endpoint").Input("https://models.internal/support-chat/1.5.0/");
        InputOf(host, "version-context-window").Change("200000000");
        await host.Find("[data-testid=submit]").ClickAsync(new());

        host.WaitForAssertion(() =>
        {
            Assert.True(FieldHasError(host, "version-context-window"));
            // The API says 'metadata.contextWindow'; the operator sees the field's label.
            Assert.Contains("Context window (tokens) must be a positive number of tokens.", FieldText(host, "version-context-window"), StringComparison.Ordinal);
            Assert.DoesNotContain("metadata.", FieldText(host, "version-context-window"), StringComparison.Ordinal);
        });
        Assert.Equal(["1.4.0"], await VersionNumbersAsync());
        Assert.False(dialog.Result.IsCompleted);
    }

    [Fact]
    public async Task An_upstream_model_id_longer_than_the_engine_takes_is_shown_on_its_field_by_its_label()
    {
        var (host, dialog) = await OpenAsync(latestVersion: "1.4.0");

        InputOf(host, "version-number").Input("1.5.0");
        InputOf(host, "version-endpoint").Input("https://models.internal/support-chat/1.5.0/");
        InputOf(host, "version-upstream-model").Change(new string('m', 201));
        await host.Find("[data-testid=submit]").ClickAsync(new());

        host.WaitForAssertion(() =>
        {
            Assert.True(FieldHasError(host, "version-upstream-model"));
            Assert.Contains("Upstream model id", FieldText(host, "version-upstream-model"), StringComparison.Ordinal);
        });
        Assert.Equal(["1.4.0"], await VersionNumbersAsync());
        Assert.False(dialog.Result.IsCompleted);
    }

    /// <summary>
    /// The engine's error on a field without an OnBlur reset must not outlive the correction: the corrected form's first
    /// Register saves.
    /// </summary>
    [Fact]
    public async Task After_the_engine_refuses_a_context_window_the_corrected_form_registers_on_the_next_click()
    {
        var (host, dialog) = await OpenAsync(latestVersion: "1.4.0");
        InputOf(host, "version-number").Input("1.5.0");
        InputOf(host, "version-endpoint").Input("https://models.internal/support-chat/1.5.0/");
        InputOf(host, "version-context-window").Change("200000000");
        await host.Find("[data-testid=submit]").ClickAsync(new());
        host.WaitForAssertion(() => Assert.True(FieldHasError(host, "version-context-window")));

        InputOf(host, "version-context-window").Blur();
        InputOf(host, "version-context-window").Change("128000");
        await host.Find("[data-testid=submit]").ClickAsync(new());

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);
        Assert.False(result!.Canceled);
        Assert.Equal(128_000, (await Versions.GetAsync(Model, "1.5.0", Cancellation)).Metadata.ContextWindow);
    }

    [Fact]
    public async Task As_soon_as_the_number_parses_its_compatibility_with_the_newest_version_shows_though_nothing_serves_it()
    {
        // Nothing is routed: 1.4.0 is only registered, and the opener did not say which version is newest.
        var (host, _) = await OpenAsync(latestVersion: null);
        Assert.Empty(host.FindAll("[data-testid=compatibility]"));

        InputOf(host, "version-number").Input("2.");
        Assert.Empty(host.FindAll("[data-testid=compatibility]"));

        InputOf(host, "version-number").Input("2.0.0");
        host.WaitForAssertion(() => Assert.Equal("breaking vs 1.4.0", Normalize(host.Find("[data-testid=compatibility]").TextContent)));

        InputOf(host, "version-number").Input("1.5.0");
        host.WaitForAssertion(() => Assert.Equal("compatible vs 1.4.0", Normalize(host.Find("[data-testid=compatibility]").TextContent)));
    }

    private async Task<(IRenderedComponent<ContainerFragment> Host, IDialogReference Dialog)> OpenAsync(string? latestVersion, bool seedVersion = true)
    {
        await SeedModelAsync(Model);
        if (seedVersion)
        {
            await SeedVersionAsync(Model, "1.4.0");
        }

        var host = RenderWithProviders();
        var dialogs = Services.GetRequiredService<IDialogService>();
        var parameters = new DialogParameters<RegisterVersionDialog>
        {
            { d => d.Model, Model },
            { d => d.LatestVersion, latestVersion },
        };
        var dialog = await Renderer.Dispatcher.InvokeAsync(() => dialogs.ShowAsync<RegisterVersionDialog>("Register version", parameters));
        host.WaitForElement("[data-testid=register-version-dialog]");
        return (host, dialog);
    }

    private async Task<List<string>> VersionNumbersAsync() =>
        [.. (await Versions.ListAsync(Model, Cancellation)).Select(v => v.Version)];
}
