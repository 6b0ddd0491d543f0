using System.Globalization;
using Microsoft.AspNetCore.Components;
using ModelRegistry.Dashboard.Access;
using ModelRegistry.Dashboard.Components.Dialogs;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Hosting;
using ModelRegistry.Dashboard.Live;

namespace ModelRegistry.Dashboard.Components.Pages.Users;

/// <summary>
/// The API keys page (Admin): create a key with a role, optional scopes and expiry — its secret shown once, here only
/// — list keys by prefix with their creator, last use and state, and revoke one (its next request is refused).
/// </summary>
public sealed partial class ApiKeysPage
{
    private static readonly Dictionary<string, string> Fields = new()
    {
        [ApiKeyService.NameField] = "Name", ["scopes.models"] = "Only models", ["scopes.environments"] = "Only environments", ["expiresAt"] = "Expires",
    };

    private readonly FieldErrors _errors = new();
    private IReadOnlyList<ApiKeyInfo>? _keys;
    private ApiKeyInfo? _secret;
    private string? _forbidden;
    private bool _saving;
    private string? _name;
    private ActorRole _role = ActorRole.Automation;
    private string? _models;
    private string? _environments;
    private string? _expires;

    [Inject]
    public required ApiKeyService Keys { get; init; }

    [Inject]
    public required CurrentActor CurrentActor { get; init; }

    protected override async Task OnInitializedAsync()
    {
        await base.OnInitializedAsync();
        await LoadAsync();
    }

    protected override bool IsRelevant(Change change) => change.Kind == ChangeKind.ApiKeyChanged;

    protected override Task OnChangesAsync(IReadOnlyList<Change> changes) => LoadAsync();

    private static string ScopeText(ApiKeyScopes? scopes) => scopes is null
        ? "everything"
        : string.Join("; ", new[]
        {
            scopes.Models is { Count: > 0 } models ? $"models {string.Join(", ", models)}" : null,
            scopes.Environments is { Count: > 0 } environments ? $"environments {string.Join(", ", environments)}" : null,
        }.Where(s => s is not null));

    private static List<string>? List(string? text) =>
        text?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } names ? [.. names] : null;

    private async Task LoadAsync()
    {
        try
        {
            _keys = await Keys.ListAsync(await CurrentActor.GetAsync());
        }
        catch (ForbiddenException)
        {
            _forbidden = "Only an Admin can see and manage API keys.";
        }
    }

    private async Task CreateAsync()
    {
        DateTime? expires = DateTime.TryParseExact(_expires, "yyyy-MM-dd", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var day) ? DateTime.SpecifyKind(day, DateTimeKind.Utc) : null;
        var request = new CreateApiKeyRequest(_name, _role.ToString(), new ApiKeyScopes(List(_models), List(_environments)), expires);
        await SaveAsync(async actor =>
        {
            _secret = await Keys.CreateAsync(actor, request);
            _name = _models = _environments = _expires = null;
        });
    }

    private Task RevokeAsync(ApiKeyInfo key) => SaveAsync(async actor =>
    {
        await Keys.RevokeAsync(actor, key.Id);
        _secret = _secret?.Id == key.Id ? null : _secret;
    });

    private async Task SaveAsync(Func<Actor, Task> change)
    {
        _saving = true;
        _errors.Clear();
        try
        {
            await change(await CurrentActor.GetAsync());
        }
        catch (OperationException refused)
        {
            _secret = null;
            _errors.Capture(refused, Fields);
        }
        finally
        {
            _saving = false;
        }

        await LoadAsync();
    }
}
