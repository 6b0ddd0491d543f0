using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Tests.Deployments;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Api;

/// <summary>
/// A manual rollback's reason lands in the 2,000-character rollback-cause column after "manual rollback by {actor}: ";
/// SQLite would store any length, SQL Server fails the write, so the engine refuses a longer reason by name.
/// </summary>
public sealed class RollbackReasonTests : IAsyncLifetime
{
    private const string Model = "reasoned";
    private readonly DeploymentFactory _factory = new();
    private HttpClient _client = null!;

    private DeploymentDriver Driver => new(_factory, _client, Model);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        await Driver.SeedServedModelAsync("1.0.0", "1.1.0");
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task A_rollback_reason_longer_than_its_limit_is_400_naming_reason_and_the_deployment_stays_as_it_was()
    {
        var id = await CanaryAsync();
        var before = await DatabaseCounts.ReadAsync(_factory);
        var status = (await Driver.GetAsync(id)).GetProperty("status").GetString();

        using var response = await _client.PostAsJsonAsync($"/api/v1/deployments/{id}/rollback", new { reason = new string('r', TextLimits.RollbackReason + 1) }, Ct);

        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "reason");
        Assert.Equal(before, await DatabaseCounts.ReadAsync(_factory));
        Assert.Equal(status, (await Driver.GetAsync(id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_rollback_reason_at_its_limit_fits_the_rollback_cause_column()
    {
        var id = await CanaryAsync();

        using var response = await _client.PostAsJsonAsync($"/api/v1/deployments/{id}/rollback", new { reason = new string('r', TextLimits.RollbackReason) }, Ct);

        await response.ShouldHaveStatusAsync(HttpStatusCode.OK);
        await using var db = await Driver.DbAsync();
        var cause = await db.Deployments.Where(d => d.Id == id).Select(d => d.RollbackCause).SingleAsync(Ct);
        var column = db.Model.FindEntityType(typeof(Dashboard.Deployments.Deployment))!.FindProperty(nameof(Dashboard.Deployments.Deployment.RollbackCause))!.GetMaxLength();
        Assert.InRange(cause!.Length, TextLimits.RollbackReason, column!.Value);
    }

    private Task<long> CanaryAsync() =>
        Driver.CreateAsync(new { model = Model, version = "1.1.0", environment = "staging", strategy = "canary", canary = new { stepSeconds = 600 } });
}
