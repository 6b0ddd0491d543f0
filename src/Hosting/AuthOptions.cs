using System.ComponentModel.DataAnnotations;
using ModelRegistry.Dashboard.Core;

namespace ModelRegistry.Dashboard.Hosting;

/// <summary>
/// <c>Auth:*</c>. Browsers act as <see cref="Anonymous"/> (a trusted-network default: Viewer in
/// <c>appsettings.json</c>, Admin in Development); automation sends <c>X-Api-Key</c> and acts with that key's role.
/// </summary>
public sealed class AuthOptions : IValidatableObject
{
    public const string Section = "Auth";

    public const string ApiKeyHeader = "X-Api-Key";

    public AnonymousActorOptions Anonymous { get; set; } = new();

    public List<ApiKeyOptions> ApiKeys { get; set; } = [];

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
