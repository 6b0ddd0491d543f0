using Microsoft.AspNetCore.Components;
using ModelRegistry.Dashboard.Access;
using ModelRegistry.Dashboard.Components.Dialogs;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Hosting;
using ModelRegistry.Dashboard.Live;

namespace ModelRegistry.Dashboard.Components.Pages.Users;

/// <summary>
/// The Users page (Admin): add a person with a role and a first password, change a role, disable or enable. The engine
/// decides (the last Admin stays, passwords follow the rules); its refusals show on their field or above the table, and
/// changes made elsewhere arrive live.
/// </summary>
public sealed partial class UsersPage
{
    private static readonly Dictionary<string, string> Fields = new()
    {
        [UserService.EmailField] = "E-mail", [UserService.PasswordField] = "First password",
    };

    private readonly FieldErrors _errors = new();
    private IReadOnlyList<UserInfo>? _users;
    private string? _forbidden;
    private bool _saving;
    private string? _email;
    private string? _password;
    private ActorRole _role = ActorRole.Operator;

    [Inject]
    public required UserService Users { get; init; }

    [Inject]
    public required CurrentActor CurrentActor { get; init; }

    protected override async Task OnInitializedAsync()
    {
        await base.OnInitializedAsync();
        await LoadAsync();
    }

    protected override bool IsRelevant(Change change) => change.Kind == ChangeKind.UserChanged;

    protected override Task OnChangesAsync(IReadOnlyList<Change> changes) => LoadAsync();

    private async Task LoadAsync()
    {
        try
        {
            _users = await Users.ListAsync(await CurrentActor.GetAsync());
        }
        catch (ForbiddenException)
        {
            _forbidden = "Only an Admin can see and manage users.";
        }
    }

    private Task AddAsync() => SaveAsync(async actor =>
    {
        await Users.CreateAsync(actor, new CreateUserRequest(_email, _password, _role.ToString()));
        _email = _password = null;
    });

    private Task ChangeRoleAsync(UserInfo user, ActorRole role) =>
        SaveAsync(actor => Users.UpdateAsync(actor, user.Email, new UpdateUserRequest(Role: role.ToString())));

    private Task SetDisabledAsync(UserInfo user, bool disabled) =>
        SaveAsync(actor => Users.UpdateAsync(actor, user.Email, new UpdateUserRequest(Disabled: disabled)));

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
            _errors.Capture(refused, Fields);
        }
        finally
        {
            _saving = false;
        }

        await LoadAsync(); // also puts a refused role change's select back
    }
}
