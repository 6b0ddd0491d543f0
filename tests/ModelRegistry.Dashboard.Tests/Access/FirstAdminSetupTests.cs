using Microsoft.Extensions.Time.Testing;
using ModelRegistry.Dashboard.Hosting;

namespace ModelRegistry.Dashboard.Tests.Access;

/// <summary>
/// The setup link a fresh production start logs (issue 12: "a one-time setup link (token, expires)"): it opens only
/// with its own token, for an hour, once. The browser flow is <c>EndToEnd/FirstAdminSetupFlowTests</c>.
/// </summary>
public sealed class FirstAdminSetupTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2031, 5, 1, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void The_link_opens_with_its_own_token_until_an_hour_has_passed()
    {
        var setup = new FirstAdminSetup(_clock);
        var token = setup.Issue();

        Assert.Equal(48, token.Length); // 24 random bytes as hex
        Assert.True(setup.Accepts(token));
        Assert.False(setup.Accepts(token.ToUpperInvariant()));
        Assert.False(setup.Accepts(token[..^1]));
        Assert.False(setup.Accepts(null));

        _clock.Advance(FirstAdminSetup.Lifetime - TimeSpan.FromSeconds(1));
        Assert.True(setup.Accepts(token));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.False(setup.Accepts(token));
    }

    [Fact]
    public void Once_the_first_Admin_is_made_the_link_is_spent_and_no_token_works_before_one_is_issued()
    {
        var setup = new FirstAdminSetup(_clock);
        Assert.False(setup.Accepts(""));

        var token = setup.Issue();
        setup.Complete();

        Assert.False(setup.Accepts(token));
        Assert.NotEqual(token, new FirstAdminSetup(_clock).Issue());
    }
}
