using AngleSharp.Dom;
using Bunit;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using MudBlazor;
using AuditPageComponent = ModelRegistry.Dashboard.Components.Pages.Audit.AuditPage;

namespace ModelRegistry.Dashboard.Components.Tests.Pages;

public sealed class AuditPageTests : DashboardTestContext
{
    [Fact]
    public async Task Lists_every_change_newest_first_with_actor_action_and_target()
    {
        await SeedModelAsync("support-chat");
        await SeedVersionAsync("support-chat", "1.0.0", changelog: "First release.", actor: new Actor("alice", ActorRole.Automation));

        var cut = Render<AuditPageComponent>();

        cut.WaitForAssertion(() => Assert.Equal(
            [
                ["alice", "version.registered", "support-chat@1.0.0", "First release."],
                [Seeder.Name, "model.registered", "support-chat", ""],
            ],
            Rows(cut)));
    }

    [Fact]
    public async Task A_change_made_elsewhere_after_render_appears_live()
    {
        await SeedModelAsync("support-chat");
        var cut = Render<AuditPageComponent>();
        cut.WaitForAssertion(() => Assert.Single(Rows(cut)));

        await SeedModelAsync("fraud-scorer");

        cut.WaitForAssertion(() => Assert.Equal(["fraud-scorer", "support-chat"], Rows(cut).Select(r => r[2]).ToList()));
    }

    [Fact]
    public async Task The_actor_filter_narrows_the_list()
    {
        await SeedModelAsync("support-chat");
        await SeedVersionAsync("support-chat", "1.0.0", actor: new Actor("alice", ActorRole.Automation));
        var cut = Render<AuditPageComponent>();
        cut.WaitForAssertion(() => Assert.Equal(2, Rows(cut).Count));

        FilterInput(cut, "Actor").Input("alice");

        cut.WaitForAssertion(() => Assert.Equal(["alice"], Rows(cut).Select(r => r[0]).ToList()));
    }

    [Fact]
    public async Task The_action_filter_narrows_the_list_to_that_action()
    {
        await SeedModelAsync("support-chat");
        await SeedVersionAsync("support-chat", "1.0.0");
        var cut = Render<AuditPageComponent>();
        cut.WaitForAssertion(() => Assert.Equal(2, Rows(cut).Count));

        var action = cut.FindComponents<MudSelect<string>>().Single();
        await cut.InvokeAsync(() => action.Instance.ValueChanged.InvokeAsync(AuditActions.VersionRegistered));

        cut.WaitForAssertion(() => Assert.Equal(["version.registered"], Rows(cut).Select(r => r[1]).ToList()));
    }

    [Fact]
    public async Task The_date_range_keeps_the_changes_of_those_utc_days_and_a_reversed_range_is_named()
    {
        Clock.PinnedNow = new DateTimeOffset(2026, 11, 24, 23, 59, 0, TimeSpan.Zero);
        await SeedModelAsync("old-model");
        Clock.PinnedNow = new DateTimeOffset(2026, 11, 26, 10, 0, 0, TimeSpan.Zero);
        await SeedModelAsync("new-model");
        var cut = Render<AuditPageComponent>();
        cut.WaitForAssertion(() => Assert.Equal(2, Rows(cut).Count));

        InputOf(cut, "audit-from").Change("2026-11-25");
        cut.WaitForAssertion(() => Assert.Equal(["new-model"], Rows(cut).Select(r => r[2]).ToList()));

        InputOf(cut, "audit-from").Change("2026-11-20");
        InputOf(cut, "audit-to").Change("2026-11-24");
        cut.WaitForAssertion(() => Assert.Equal(["old-model"], Rows(cut).Select(r => r[2]).ToList()));

        InputOf(cut, "audit-from").Change("2026-11-26");
        cut.WaitForAssertion(() =>
        {
            Assert.Empty(Rows(cut));
            Assert.Contains("From must be on or before To.", FieldText(cut, "audit-from"), StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task Each_relative_time_shows_the_exact_utc_time_on_hover()
    {
        Clock.PinnedNow = new DateTimeOffset(2026, 11, 26, 10, 0, 5, TimeSpan.Zero);
        await SeedModelAsync("support-chat");
        Clock.PinnedNow = new DateTimeOffset(2026, 11, 26, 10, 1, 10, TimeSpan.Zero);

        var cut = Render<AuditPageComponent>();

        cut.WaitForAssertion(() =>
        {
            var when = cut.Find("[data-testid=audit] tbody tr td time");
            Assert.Equal("a minute ago", when.TextContent);
            Assert.Equal("2026-11-26 10:00:05 UTC", when.GetAttribute("title"));
        });
    }

    /// <summary>Actor, action, target and reason of each row (the "when" column is relative time).</summary>
    private static List<string[]> Rows(IRenderedComponent<AuditPageComponent> cut) =>
        [.. cut.FindAll("[data-testid=audit] tbody tr")
            .Select(tr => tr.QuerySelectorAll("td").Skip(1).Select(td => Normalize(td.TextContent)).ToArray())
            .Where(cells => cells.Length == 4)];

    private static IElement FilterInput(IRenderedComponent<AuditPageComponent> cut, string label)
    {
        var id = cut.FindAll("label").Single(l => l.TextContent.Trim() == label).GetAttribute("for");
        return cut.Find($"#{id}");
    }
}
