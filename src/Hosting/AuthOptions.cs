using System.ComponentModel.DataAnnotations;
using ModelRegistry.Dashboard.Core;

namespace ModelRegistry.Dashboard.Hosting;

/// <summary>
/// <c>Auth:*</c>. People sign in (<c>/account/login</c>) and act as themselves; automation sends <c>X-Api-Key</c> and
/// acts with that key's role. Anonymous access (<see cref="AnonymousActorOptions.Enabled"/>) is for Development and
/// trusted networks only: off by default, when every page, the API (but <c>/healthz</c>) and the hub need a user or a key.
/// </summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    public const string ApiKeyHeader = "X-Api-Key";

    public AnonymousActorOptions Anonymous { get; set; } = new();

    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

    /// <summary>The first Admin, created at start while no user exists (otherwise a one-time setup link is logged).</summary>
    public BootstrapOptions Bootstrap { get; set; } = new();

    /// <summary>How often a signed-in session is checked against its user: a disable or role change ends it within this.</summary>
    [Range(0, 3600)]
    public int SessionCheckSeconds { get; set; } = 30;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Anonymous.Name))
        {
            yield return new ValidationResult("Auth:Anonymous:Name is required.", ["Auth:Anonymous:Name"]);
        }

        for (var i = 0; i < ApiKeys.Count; i++)
        {
            var key = ApiKeys[i];
            if (string.IsNullOrWhiteSpace(key.Name))
            {
                yield return new ValidationResult($"Auth:ApiKeys:{i}:Name is required.", [$"Auth:ApiKeys:{i}:Name"]);
            }

            if (key.Key is null || key.Key.Length < 16)
            {
                yield return new ValidationResult($"Auth:ApiKeys:{i}:Key must be at least 16 characters.", [$"Auth:ApiKeys:{i}:Key"]);
            }
        }
    }
}

public sealed class AnonymousActorOptions
{
    /// <summary>Whether a caller with neither a sign-in nor a key acts as this actor (else it must authenticate).</summary>
    public bool Enabled { get; set; }

    /// <summary>Outside Development an anonymous Admin refuses to start unless this says it is meant.</summary>
    public bool AllowAdminOutsideDevelopment { get; set; }

    public string Name { get; set; } = "anonymous";

    [EnumDataType(typeof(ActorRole))]
    public ActorRole Role { get; set; } = ActorRole.Viewer;
}

public sealed class ApiKeyOptions
{
    public string Name { get; set; } = "";

    public string Key { get; set; } = "";

    [EnumDataType(typeof(ActorRole))]
    public ActorRole Role { get; set; } = ActorRole.Automation;
}

public sealed class BootstrapOptions
{
    public string? Email { get; set; }

    /// <summary>From secrets or the environment, never a committed file; the admin should change it after signing in.</summary>
    public string? Password { get; set; }
}

/// <summary>The checks that need the environment: no anonymous Admin outside Development unless explicitly allowed.</summary>
internal sealed class AuthOptionsEnvironmentCheck(Microsoft.Extensions.Hosting.IHostEnvironment environment) : Microsoft.Extensions.Options.IValidateOptions<AuthOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var anonymous = options.Anonymous;
        if (anonymous.Enabled && anonymous.Role == ActorRole.Admin && !anonymous.AllowAdminOutsideDevelopment
            && !Microsoft.Extensions.Hosting.HostEnvironmentEnvExtensions.IsDevelopment(environment))
        {
            return Microsoft.Extensions.Options.ValidateOptionsResult.Fail(
                $"Auth:Anonymous gives everyone who can reach the app the Admin role in the '{environment.EnvironmentName}' environment. "
                + "Sign people in instead (Auth:Bootstrap:Email/Password create the first Admin), lower Auth:Anonymous:Role, or set "
                + "Auth:Anonymous:AllowAdminOutsideDevelopment=true if that is really meant.");
        }

        return Microsoft.Extensions.Options.ValidateOptionsResult.Success;
    }
}
