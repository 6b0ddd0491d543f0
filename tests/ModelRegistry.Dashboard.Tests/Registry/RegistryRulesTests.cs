using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Registry;

namespace ModelRegistry.Dashboard.Tests.Registry;

public sealed class RegistryRulesTests
{
    [Theory]
    [InlineData("support-chat")]
    [InlineData("ab")]
    [InlineData("0model")]
    [InlineData("gpt-4o-mini-2")]
    public void Accepts_slugs(string name) => Assert.Null(RegistryRules.ModelNameProblem(name));

    [Fact]
    public void Accepts_a_63_character_slug() => Assert.Null(RegistryRules.ModelNameProblem(new string('a', 63)));

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("a", "2–63")]
    [InlineData("Bad Name", "lowercase")]
    [InlineData("Support-Chat", "lowercase")]
    [InlineData("-leading-hyphen", "starting with a letter or digit")]
    [InlineData("under_score", "hyphens")]
    [InlineData("dot.name", "hyphens")]
    public void Refuses_non_slugs_with_a_reason_naming_the_field(string? name, string reasonContains)
    {
        var problem = RegistryRules.ModelNameProblem(name);

        Assert.NotNull(problem);
        Assert.Contains("'name'", problem, StringComparison.Ordinal);
        Assert.Contains(reasonContains, problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_a_64_character_name() => Assert.NotNull(RegistryRules.ModelNameProblem(new string('a', 64)));

    [Theory]
    [InlineData("https://models.example.com/v1/")]
    [InlineData("http://localhost:8080")]
    public void Accepts_absolute_http_endpoints(string endpoint) => Assert.Null(RegistryRules.EndpointProblem(endpoint));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a url")]
    [InlineData("/relative/path")]
    [InlineData("ftp://models.example.com/")]
    public void Refuses_other_endpoints(string? endpoint)
    {
        var problem = RegistryRules.EndpointProblem(endpoint);

        Assert.NotNull(problem);
        Assert.Contains("'endpoint'", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Tags_must_be_valid_and_unique()
    {
        var errors = new ValidationErrors();
        RegistryRules.CheckTags(errors, ["ok", "Not OK", "ok"]);

        var failure = Assert.Throws<ValidationFailedException>(errors.ThrowIfAny);
        var messages = Assert.Single(failure.Errors).Value;
        Assert.Contains(messages, m => m.Contains("Not OK", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("repeat", StringComparison.Ordinal));
    }
}
