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

    /// <summary>Single sign-on with an OpenID Connect provider, when <see cref="OidcOptions.Authority"/> is set.</summary>
    public OidcOptions Oidc { get; set; } = new();

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

        foreach (var problem in Oidc.Validate())
        {
            yield return problem;
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

/// <summary>
/// <c>Auth:Oidc:*</c>: the "Sign in with SSO" button. The provider's <see cref="RoleClaim"/> values (groups or roles, as
/// it names them) map to our roles through <see cref="RoleMap"/>; a person in no mapped group is refused.
/// </summary>
public sealed class OidcOptions
{
    private const string Prefix = "Auth:Oidc:";

    /// <summary>The provider's issuer, e.g. <c>https://login.example.com/realms/ops</c>; single sign-on is off while empty.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>From secrets or the environment; empty for a public client (the flow uses PKCE either way).</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The claim, as the provider names it in the ID token, that carries the groups (or roles).</summary>
    public string RoleClaim { get; set; } = "groups";

    /// <summary>Group → role (Viewer, Operator or Admin), e.g. <c>Auth:Oidc:RoleMap:sre=Operator</c>.</summary>
    public Dictionary<string, string> RoleMap { get; set; } = [];

    /// <summary>Space-separated scopes to ask for.</summary>
    public string Scope { get; set; } = "openid profile email";

    /// <summary>The provider's name on the button ("Sign in with …").</summary>
    public string DisplayName { get; set; } = "SSO";

    /// <summary>
    /// Lets a provider on this machine be reached over plain http outside Development (metadata, keys and the code
    /// exchange unencrypted): for a provider started beside the app, such as the browser tests' own. Refused at start
    /// unless <see cref="Authority"/> is a loopback address; never for a provider across a network.
    /// </summary>
    public bool AllowHttpOnLoopback { get; set; }

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    internal IEnumerable<ValidationResult> Validate()
    {
        if (!Enabled)
        {
            yield break;
        }

        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult($"{Prefix}Authority must be the provider's absolute https URL (its issuer).", [$"{Prefix}Authority"]);
        }

        if (AllowHttpOnLoopback && authority is { IsLoopback: false })
        {
            yield return new ValidationResult(
                $"{Prefix}AllowHttpOnLoopback is only for a provider on this machine, but {Prefix}Authority is '{Authority}': reach it over https and remove the setting.",
                [$"{Prefix}AllowHttpOnLoopback"]);
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            yield return new ValidationResult($"{Prefix}ClientId is required when {Prefix}Authority is set: the client registered at the provider for this app.", [$"{Prefix}ClientId"]);
        }

        if (string.IsNullOrWhiteSpace(RoleClaim))
        {
            yield return new ValidationResult($"{Prefix}RoleClaim is required: the claim with the provider's groups or roles (e.g. groups).", [$"{Prefix}RoleClaim"]);
        }

        if (RoleMap.Count == 0)
        {
            yield return new ValidationResult(
                $"{Prefix}RoleMap is empty, so nobody could sign in with single sign-on: map at least one group, e.g. {Prefix}RoleMap:sre=Operator.",
                [$"{Prefix}RoleMap"]);
        }

        foreach (var (group, role) in RoleMap)
        {
            if (Access.UserRoles.Parse(role) is null)
            {
                yield return new ValidationResult($"{Prefix}RoleMap:{group} is '{role}': use Viewer, Operator or Admin.", [$"{Prefix}RoleMap:{group}"]);
            }
        }

        if (!Scope.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("openid"))
        {
            yield return new ValidationResult($"{Prefix}Scope must include openid.", [$"{Prefix}Scope"]);
        }
    }
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

        if (options.Oidc.Enabled && Uri.TryCreate(options.Oidc.Authority, UriKind.Absolute, out var authority) && authority.Scheme != Uri.UriSchemeHttps
            && !(options.Oidc.AllowHttpOnLoopback && authority.IsLoopback)
            && !Microsoft.Extensions.Hosting.HostEnvironmentEnvExtensions.IsDevelopment(environment))
        {
            return Microsoft.Extensions.Options.ValidateOptionsResult.Fail(
                $"Auth:Oidc:Authority is '{options.Oidc.Authority}': outside Development the provider must be reached over https "
                + "(Auth:Oidc:AllowHttpOnLoopback=true admits only a provider on this machine).");
        }

        return Microsoft.Extensions.Options.ValidateOptionsResult.Success;
    }
}
