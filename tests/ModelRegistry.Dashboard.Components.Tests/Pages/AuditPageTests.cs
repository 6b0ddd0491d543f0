using AngleSharp.Dom;
using Bunit;
using ModelRegistry.Dashboard.Core;
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
