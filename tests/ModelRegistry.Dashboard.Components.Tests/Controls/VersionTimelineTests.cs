using AngleSharp.Dom;
using Bunit;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Components.Controls;
using MudBlazor;

namespace ModelRegistry.Dashboard.Components.Tests.Controls;

public sealed class VersionTimelineTests : DashboardTestContext
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public VersionTimelineTests() => Clock.PinnedNow = Now;

    [Fact]
    public void Each_action_has_its_own_title()
    {
        var cut = Render<VersionTimeline>(p => p.Add(t => t.Entries,
        [
            Entry(AuditActions.RouteChanged, "production/support-chat", version: "1.3.0", environment: "production"),
            Entry(AuditActions.RouteChanged, "staging/support-chat", environment: "staging"),
            Entry(AuditActions.VersionUpdated, "support-chat@1.2.0", version: "1.2.0"),
            Entry(AuditActions.VersionRegistered, "support-chat@1.3.0", version: "1.3.0"),
            Entry(AuditActions.ModelUpdated, "support-chat"),
            Entry(AuditActions.ModelRegistered, "support-chat"),
            Entry("model.archived", "support-chat"),
        ]));

        Assert.Equal(
            [
                "Traffic in production changed: 1.3.0 leads",
                "Traffic in staging changed",
                "Version 1.2.0 updated",
                "Version 1.3.0 registered",
                "Model details edited",
                "Model registered",
                "model.archived · support-chat",
            ],
            cut.FindAll("[data-testid=timeline-item]").Select(Title).ToList());
    }

    [Fact]
    public void Shows_the_actor_when_it_happened_and_the_reason_when_there_is_one()
    {
        var cut = Render<VersionTimeline>(p => p.Add(t => t.Entries,
        [
            Entry(AuditActions.RouteChanged, "production/support-chat", actor: "carol", version: "1.3.0", environment: "production",
                reason: "Canary healthy for 24 h.", at: Now.AddMinutes(-5)),
            Entry(AuditActions.VersionRegistered, "support-chat@1.3.0", actor: "ci-bot", version: "1.3.0", reason: "  ", at: Now.AddHours(-3)),
        ]));

        var items = cut.FindAll("[data-testid=timeline-item]");
        Assert.Equal(["carol", "ci-bot"], items.Select(i => i.QuerySelector("[data-testid=timeline-actor]")!.TextContent).ToList());
        Assert.Contains("carol · 5 min ago", Normalize(items[0].TextContent), StringComparison.Ordinal);
        Assert.Contains("ci-bot · 3 h ago", Normalize(items[1].TextContent), StringComparison.Ordinal);
        Assert.NotNull(items[0].QuerySelector("time[title='2026-11-26 11:55:00 UTC']"));
        Assert.EndsWith("“Canary healthy for 24 h.”", Normalize(items[0].TextContent), StringComparison.Ordinal);
        // A blank reason draws no empty quotes.
        Assert.DoesNotContain("“", items[1].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_history_says_nothing_has_happened_yet()
    {
        var cut = Render<VersionTimeline>(p => p.Add(t => t.Entries, []));

        Assert.Contains("Nothing has happened to this model yet.", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=timeline]"));
    }

    [Fact]
    public void A_registered_version_is_marked_as_news_not_as_a_warning()
    {
        var cut = Render<VersionTimeline>(p => p.Add(t => t.Entries, [Entry(AuditActions.VersionRegistered, "support-chat@1.3.0", version: "1.3.0")]));

        var item = cut.Find("[data-testid=timeline-item]");
        var drawn = item.QuerySelectorAll("svg path").Select(p => p.GetAttribute("d")).ToList();
        // NewReleases is a badge with an exclamation mark: read as "something is wrong" next to a rollback's red.
        Assert.DoesNotContain(Shape(Icons.Material.Filled.NewReleases), drawn);
        Assert.Contains(Shape(Icons.Material.Filled.LocalOffer), drawn);
        Assert.Empty(item.QuerySelectorAll(".mud-warning, .mud-error, .mud-timeline-item-warning, .mud-timeline-item-error"));
    }

    /// <summary>The outline of a Material icon (its last path; the first is often the empty 24×24 box).</summary>
    private static string Shape(string icon) =>
        System.Text.RegularExpressions.Regex.Matches(icon, "d=\"([^\"]+)\"")[^1].Groups[1].Value;

    private static long _ids;

    private static AuditRecord Entry(
        string action,
        string target,
        string actor = "alice",
        string? version = null,
        string? environment = null,
        string? reason = null,
        DateTimeOffset? at = null) =>
        new(Interlocked.Increment(ref _ids), (at ?? Now.AddMinutes(-1)).UtcDateTime, actor, action, target, "support-chat", version, environment, reason, null, null);

    private static string Title(IElement item) => Normalize(item.QuerySelector("b")!.TextContent);
}
