using System.Net.Mail;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Live;
using ModelRegistry.Dashboard.Persistence;

namespace ModelRegistry.Dashboard.Access;

/// <summary>
/// The people who sign in: added with a role, given another, disabled — by an Admin, audited and published like every
/// other change. The last enabled Admin can be neither demoted nor disabled. Passwords follow Identity's rules (and are
/// stored only as its hash); each call works in a scope of its own, so a long-lived caller (a Blazor circuit) never
/// holds a database context.
/// </summary>
public sealed class UserService(IServiceScopeFactory scopes, AuditLog audit, IChangeNotifier notifier, TimeProvider clock)
{
    public const string EmailField = "email";
    public const string PasswordField = "password";
    public const string RoleField = "role";

    public async Task<IReadOnlyList<UserInfo>> ListAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        actor.Demand(ActorRole.Admin, "list users");
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var now = clock.GetUtcNow();
        var users = await db.Users.AsNoTracking().ToListAsync(cancellationToken);
        return [.. users.OrderBy(u => u.Email, StringComparer.OrdinalIgnoreCase).Select(u => UserInfo.From(u, now))];
    }

    /// <summary>Whether anyone can sign in yet (the first Admin is bootstrapped while none can).</summary>
    public async Task<bool> AnyAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().Users.AnyAsync(cancellationToken);
    }

    public async Task<UserInfo> CreateAsync(Actor actor, CreateUserRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(request);
        actor.Demand(ActorRole.Admin, "add users");
        var errors = new ValidationErrors();
        var email = CheckEmail(errors, request.Email);
        var role = CheckRole(errors, request.Role, required: true);
        if (string.IsNullOrEmpty(request.Password))
        {
            errors.Add(PasswordField, "'password' is required: the user's first password (they can change it after signing in).");
        }

        errors.ThrowIfAny();
        return await AddAsync(actor, email!, request.Password!, role!.Value, cancellationToken);
    }

    /// <summary>
    /// The first Admin, from <c>Auth:Bootstrap:*</c> or the one-time setup link — only while no user exists (false
    /// otherwise: someone else was first).
    /// </summary>
    public async Task<bool> CreateFirstAdminAsync(string email, string password, string how, CancellationToken cancellationToken = default)
    {
        if (await AnyAsync(cancellationToken))
        {
            return false;
        }

        var errors = new ValidationErrors();
        var checkedEmail = CheckEmail(errors, email);
        errors.ThrowIfAny();
        await AddAsync(new Actor(how, ActorRole.Admin), checkedEmail!, password, ActorRole.Admin, cancellationToken);
        return true;
    }

    public async Task<UserInfo> UpdateAsync(Actor actor, string email, UpdateUserRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentNullException.ThrowIfNull(request);
        actor.Demand(ActorRole.Admin, "change users");
        var errors = new ValidationErrors();
        var role = CheckRole(errors, request.Role, required: false);
        errors.ThrowIfAny();

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var user = await users.FindByEmailAsync(email) ?? throw new NotFoundException($"No user has the e-mail '{email}'.");
        var now = clock.GetUtcNow();
        var before = UserInfo.From(user, now);
        var demotes = role is { } r && r != ActorRole.Admin && user.Role == ActorRole.Admin;
        var disables = request.Disabled == true && !user.Disabled && user.Role == ActorRole.Admin;
        if ((demotes || disables) && !await db.Users.AnyAsync(u => u.Role == ActorRole.Admin && !u.Disabled && u.Id != user.Id, cancellationToken))
        {
            throw new ConflictException(
                $"{user.Email} is the last enabled Admin: add or enable another Admin before {(demotes ? "changing this one's role" : "disabling this one")}.",
                demotes ? RoleField : "disabled");
        }

        user.Role = role ?? user.Role;
        user.Disabled = request.Disabled ?? user.Disabled;
        if (request.Password is { Length: > 0 } password)
        {
            var hashed = await ValidatePasswordAsync(users, user, password);
            user.PasswordHash = hashed;
        }

        // A new stamp ends the user's open sessions at their next check, so a new role or a disable applies at once.
        user.SecurityStamp = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
        audit.Record(db, actor, AuditActions.UserUpdated, user.Email!, before: before, after: UserInfo.From(user, now));
        Succeeded(await users.UpdateAsync(user));
        notifier.Publish(new Change(ChangeKind.UserChanged, Detail: user.Email));
        return UserInfo.From(user, now);
    }

    /// <summary>
    /// A person the single sign-on provider vouches for, with the role its groups map to: added on their first sign-in
    /// (without a password), given that role again at every sign-in (so the provider stays the source of truth), and kept
    /// out while disabled here. The last enabled Admin keeps that role. Audited as the actor "sso".
    /// </summary>
    public async Task<SingleSignOnOutcome> SignInFromProviderAsync(string email, ActorRole role, CancellationToken cancellationToken = default)
    {
        var errors = new ValidationErrors();
        var checkedEmail = CheckEmail(errors, email);
        errors.ThrowIfAny();
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var sso = new Actor("sso", ActorRole.Admin);
        var now = clock.GetUtcNow();
        var user = await users.FindByEmailAsync(checkedEmail!);
        if (user is null)
        {
            user = new DashboardUser
            {
                UserName = checkedEmail,
                Email = checkedEmail,
                EmailConfirmed = true,
                Role = role,
                CreatedAt = now.UtcDateTime,
                CreatedBy = sso.Name,
                LockoutEnabled = true,
            };
            audit.Record(db, sso, AuditActions.UserCreated, checkedEmail!, after: UserInfo.From(user, now));
            Succeeded(await users.CreateAsync(user));
            notifier.Publish(new Change(ChangeKind.UserChanged, Detail: checkedEmail));
            return SingleSignOnOutcome.Created;
        }

        if (user.Disabled)
        {
            return SingleSignOnOutcome.Disabled;
        }

        var lastAdmin = user.Role == ActorRole.Admin && role != ActorRole.Admin
            && !await db.Users.AnyAsync(u => u.Role == ActorRole.Admin && !u.Disabled && u.Id != user.Id, cancellationToken);
        if (user.Role != role && !lastAdmin)
        {
            var before = UserInfo.From(user, now);
            user.Role = role;
            user.SecurityStamp = Convert.ToHexString(RandomNumberGenerator.GetBytes(20));
            audit.Record(db, sso, AuditActions.UserUpdated, user.Email!, reason: "role from the single sign-on provider's groups", before: before, after: UserInfo.From(user, now));
            Succeeded(await users.UpdateAsync(user));
            notifier.Publish(new Change(ChangeKind.UserChanged, Detail: user.Email));
        }

        return SingleSignOnOutcome.SignedIn;
    }

    /// <summary>A sign-in attempt, successful or not, in the audit log (the password never is).</summary>
    public async Task RecordSignInAsync(string email, bool succeeded, string how, string? why, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        audit.Record(db, new Actor(email, ActorRole.Viewer), succeeded ? AuditActions.UserSignedIn : AuditActions.UserSignInFailed, email, reason: why is null ? how : $"{how}: {why}");
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<UserInfo> AddAsync(Actor actor, string email, string password, ActorRole role, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        if (await users.FindByEmailAsync(email) is not null)
        {
            throw new ConflictException($"A user with the e-mail '{email}' already exists.", EmailField);
        }

        var now = clock.GetUtcNow();
        var user = new DashboardUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            Role = role,
            CreatedAt = now.UtcDateTime,
            CreatedBy = actor.Name,
            LockoutEnabled = true,
        };
        user.PasswordHash = await ValidatePasswordAsync(users, user, password);
        audit.Record(db, actor, AuditActions.UserCreated, email, after: UserInfo.From(user, now));
        Succeeded(await users.CreateAsync(user));
        cancellationToken.ThrowIfCancellationRequested();
        notifier.Publish(new Change(ChangeKind.UserChanged, Detail: email));
        return UserInfo.From(user, now);
    }

    /// <summary>The hash of <paramref name="password"/> once it passes every password rule; the rules' messages otherwise.</summary>
    private static async Task<string> ValidatePasswordAsync(UserManager<DashboardUser> users, DashboardUser user, string password)
    {
        var problems = new List<string>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            problems.AddRange(result.Errors.Select(e => e.Description));
        }

        if (problems.Count > 0)
        {
            throw new ValidationFailedException(PasswordField, string.Join(" ", problems));
        }

        return users.PasswordHasher.HashPassword(user, password);
    }

    private static void Succeeded(IdentityResult result)
    {
        if (result.Succeeded)
        {
            return;
        }

        var duplicate = result.Errors.FirstOrDefault(e => e.Code is "DuplicateEmail" or "DuplicateUserName");
        if (duplicate is not null)
        {
            throw new ConflictException(duplicate.Description, EmailField);
        }

        throw new ValidationFailedException(EmailField, string.Join(" ", result.Errors.Select(e => e.Description)));
    }

    private static string? CheckEmail(ValidationErrors errors, string? email)
    {
        var trimmed = email?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            errors.Add(EmailField, "'email' is required: the address the user signs in with.");
            return null;
        }

        if (trimmed.Length > 256 || !MailAddress.TryCreate(trimmed, out var address) || address.Address != trimmed)
        {
            errors.Add(EmailField, $"'{Shorten(trimmed)}' is not an e-mail address (at most 256 characters, e.g. ada@example.com).");
            return null;
        }

        return trimmed;
    }

    private static ActorRole? CheckRole(ValidationErrors errors, string? role, bool required)
    {
        if (string.IsNullOrWhiteSpace(role))
        {
            if (required)
            {
                errors.Add(RoleField, "'role' is required: Viewer, Operator or Admin.");
            }

            return null;
        }

        if (UserRoles.Parse(role) is { } parsed)
        {
            return parsed;
        }

        errors.Add(RoleField, $"'{Shorten(role)}' is not a role for a person: use Viewer, Operator or Admin (Automation is for API keys).");
        return null;
    }

    private static string Shorten(string value) => value.Length > 60 ? string.Concat(value.AsSpan(0, 59), "…") : value;
}
