using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Access;

namespace ModelRegistry.Dashboard.Hosting;

/// <summary>
/// At start (after the database is migrated), while no user exists: the first Admin from <c>Auth:Bootstrap:Email</c> and
/// <c>:Password</c>; without them, outside Development, a one-time setup link in the log — never a default password.
/// </summary>
internal sealed partial class AccountBootstrap(
    UserService users,
    FirstAdminSetup setup,
    IOptions<AuthOptions> options,
    IHostEnvironment environment,
    ILogger<AccountBootstrap> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (await users.AnyAsync(cancellationToken))
        {
            return;
        }

        var bootstrap = options.Value.Bootstrap;
        if (!string.IsNullOrWhiteSpace(bootstrap.Email) && !string.IsNullOrEmpty(bootstrap.Password))
        {
            await users.CreateFirstAdminAsync(bootstrap.Email, bootstrap.Password, "Auth:Bootstrap", cancellationToken);
            LogBootstrapped(logger, bootstrap.Email);
            return;
        }

        if (!environment.IsDevelopment())
        {
            LogSetupLink(logger, AccountEndpoints.SetupPath, setup.Issue(), (int)FirstAdminSetup.Lifetime.TotalMinutes);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the first Admin, {Email}, from Auth:Bootstrap; change its password after signing in.")]
    private static partial void LogBootstrapped(ILogger logger, string email);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No user exists yet. Create the first Admin at {Path}?token={Token} (valid for {Minutes} minutes, once), or set Auth:Bootstrap:Email and Auth:Bootstrap:Password.")]
    private static partial void LogSetupLink(ILogger logger, string path, string token, int minutes);
}
