using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Hosting;
using ModelRegistry.Dashboard.Notifications;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Notifications;

/// <summary>
/// Issue 13: channel secrets are encrypted with Data Protection whose key ring lives in the registry's database, so a
/// second instance on the same database reads what the first protected; the secret never comes back from the API and
/// never reaches a log.
/// </summary>
public sealed class ChannelSecretTests : IAsyncLifetime
{
    private const string Secret = "s3cret-only-the-receiver-knows-42";

    private readonly CapturedLogs _logs = new(LogLevel.Trace);
    private DashboardFactory _first = null!;
    private SharedDatabaseFactory _second = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _first = new DashboardFactory { TestServices = s => s.AddSingleton<ILoggerProvider>(_logs) };
        _second = new SharedDatabaseFactory(_first.DatabasePath) { TestServices = s => s.AddSingleton<ILoggerProvider>(_logs) };
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _second.DisposeAsync();
        await _first.DisposeAsync();
    }

    [Fact]
    public async Task A_secret_protected_by_one_instance_is_read_by_another_on_the_same_database()
    {
        using var api = _first.CreateClient();
        using var created = await api.PostAsJsonAsync("/api/v1/notification-channels", new { name = "signed", kind = "webhook", url = "https://hooks.example.com/x", secret = Secret }, Ct);
        var id = (await created.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        var stored = await StoredSecretAsync(id);
        Assert.NotNull(stored);
        Assert.DoesNotContain(Secret, stored, StringComparison.Ordinal);

        Assert.Equal(Secret, _second.GetRequiredService<ISecretProtector>().Unprotect(stored));
        var fromSecond = _second.GetRequiredService<ISecretProtector>().Protect("the other way round, too");
        Assert.Equal("the other way round, too", _first.GetRequiredService<ISecretProtector>().Unprotect(fromSecond));

        Assert.IsType<DatabaseKeyRing>(_second.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository);
        await using var db = await DbAsync();
        Assert.NotEmpty(await db.ProtectionKeys.ToListAsync(Ct));
    }

    [Fact]
    public async Task The_secret_is_never_returned_stored_in_the_audit_trail_or_logged()
    {
        using var api = _first.CreateClient();
        using var created = await api.PostAsJsonAsync("/api/v1/notification-channels", new { name = "signed", kind = "slack", url = "https://hooks.example.com/x", secret = Secret }, Ct);
        var id = (await created.ReadJsonAsync(HttpStatusCode.Created)).GetProperty("id").GetInt64();
        using var updated = await api.PutAsJsonAsync($"/api/v1/notification-channels/{id}", new { name = "signed", kind = "webhook", url = "https://hooks.example.com/y", secret = Secret + "-rotated" }, Ct);
        await updated.ShouldHaveStatusAsync(HttpStatusCode.OK);

        var answers = new[]
        {
            await api.GetStringAsync("/api/v1/notification-channels", Ct),
            await api.GetStringAsync($"/api/v1/notification-channels/{id}", Ct),
            await _second.CreateClient().GetStringAsync($"/api/v1/notification-channels/{id}", Ct),
        };

        Assert.All(answers, text => Assert.DoesNotContain(Secret, text, StringComparison.Ordinal));
        Assert.All(answers, text => Assert.Contains("\"hasSecret\":true", text, StringComparison.Ordinal));
        await using var db = await DbAsync();
        var audit = await db.AuditEntries.Select(a => (a.Before ?? "") + (a.After ?? "")).ToListAsync(Ct);
        Assert.Contains(audit, text => text.Contains("signed", StringComparison.Ordinal));
        Assert.DoesNotContain(audit, text => text.Contains(Secret, StringComparison.Ordinal));
        Assert.NotEmpty(_logs.Lines);
        Assert.DoesNotContain(Secret, _logs.All, StringComparison.Ordinal);
    }

    private async Task<RegistryDbContext> DbAsync() =>
        await _first.Services.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync(Ct);

    private async Task<string?> StoredSecretAsync(long id)
    {
        await using var db = await DbAsync();
        return await db.NotificationChannels.Where(c => c.Id == id).Select(c => c.SecretProtected).SingleAsync(Ct);
    }
}
