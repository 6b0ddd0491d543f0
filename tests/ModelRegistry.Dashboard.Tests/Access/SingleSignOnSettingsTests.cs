using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Access;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Hosting;

namespace ModelRegistry.Dashboard.Tests.Access;

/// <summary>
/// <c>Auth:Oidc:*</c> is checked at start only when an Authority is set, with messages naming the setting; groups map
/// to the highest role among them, and to none when no group is mapped.
/// </summary>
public sealed class SingleSignOnSettingsTests
{
    private static readonly (string, string)[] Valid =
    [
        ("Auth:Oidc:Authority", "https://login.example.com/realms/ops"),
        ("Auth:Oidc:ClientId", "model-registry"),
        ("Auth:Oidc:RoleMap:sre", "Operator"),
    ];

    private static AuthOptions Bind(string environment, params (string Key, string Value)[] settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment });
        var values = new Dictionary<string, string?>();
        foreach (var (key, value) in settings)
        {
            values[key] = value; // the last one wins, so a test can override one of the valid settings
        }

        builder.Configuration.AddInMemoryCollection(values);
        builder.AddDashboardSecurity();
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<AuthOptions>>().Value;
    }

    [Fact]
    public void Without_an_authority_single_sign_on_is_off_and_nothing_else_is_checked()
    {
        var options = Bind("Production", ("Auth:Oidc:RoleMap:sre", "NotARole"));

        Assert.False(options.Oidc.Enabled);
        Assert.Equal(("groups", "SSO", "openid profile email"), (options.Oidc.RoleClaim, options.Oidc.DisplayName, options.Oidc.Scope));
    }

    [Fact]
    public void A_complete_configuration_starts()
    {
        var options = Bind("Production", Valid);

        Assert.True(options.Oidc.Enabled);
        Assert.Equal("Operator", options.Oidc.RoleMap["sre"]);
    }

    [Theory]
    [InlineData("Auth:Oidc:Authority", "login.example.com")]
    [InlineData("Auth:Oidc:ClientId", "")]
    [InlineData("Auth:Oidc:RoleClaim", "")]
    [InlineData("Auth:Oidc:RoleMap:sre", "Automation")]
    [InlineData("Auth:Oidc:Scope", "profile email")]
    [InlineData("Auth:Oidc:Authority", "http://login.example.com")]
    [InlineData("Auth:Oidc:Authority", "http://localhost:5001")]
    public void Bad_settings_are_refused_naming_the_setting(string key, string value)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind("Production", [.. Valid, (key, value)]));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_role_map_is_refused_because_nobody_could_sign_in()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Bind("Production", Valid[0], Valid[1]));

        Assert.Contains("Auth:Oidc:RoleMap", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_local_http_provider_is_fine_in_development()
    {
        Assert.True(Bind("Development", [.. Valid, ("Auth:Oidc:Authority", "http://localhost:5001")]).Oidc.Enabled);
    }

    [Theory]
    [InlineData("http://localhost:5001")]
    [InlineData("http://127.0.0.1:5001")]
    public void Outside_development_a_provider_on_loopback_may_be_plain_http_only_when_explicitly_allowed(string authority)
    {
        var options = Bind("Production", [.. Valid, ("Auth:Oidc:Authority", authority), ("Auth:Oidc:AllowHttpOnLoopback", "true")]);

        Assert.True(options.Oidc.AllowHttpOnLoopback);
    }

    [Theory]
    [InlineData("http://login.example.com")]
    [InlineData("https://login.example.com")]
    public void Allowing_http_for_a_provider_across_the_network_is_refused(string authority)
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            Bind("Production", [.. Valid, ("Auth:Oidc:Authority", authority), ("Auth:Oidc:AllowHttpOnLoopback", "true")]));

        Assert.Contains("Auth:Oidc:AllowHttpOnLoopback", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "staff", "sre" }, ActorRole.Operator)]
    [InlineData(new[] { "SRE", "platform-admins", "everyone" }, ActorRole.Admin)]
    [InlineData(new[] { "everyone" }, ActorRole.Viewer)]
    [InlineData(new[] { "contractors" }, null)]
    [InlineData(new string[0], null)]
    public void Groups_map_to_the_highest_of_their_roles_or_to_none(string[] groups, ActorRole? expected)
    {
        var map = new Dictionary<string, string> { ["platform-admins"] = "Admin", ["sre"] = "Operator", ["everyone"] = "viewer" };

        Assert.Equal(expected, SingleSignOnRoles.Map(groups, map));
    }
}
