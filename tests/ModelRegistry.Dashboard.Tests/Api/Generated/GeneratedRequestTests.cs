using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CsCheck;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Tests.Health;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Api.Generated;

/// <summary>
/// Property: whatever a client sends to any operation of the OpenAPI document, the answer is never a 5xx; a refused
/// change (4xx) stores nothing; a 400 names the field; and nothing stored is longer than its column. Requests are
/// generated from the document the app serves (paths, parameters, body schemas) with hostile values mixed with valid
/// ones from the demo catalogue, as an Admin and, for a share, as a Viewer. Seeded: a failure prints the seed and the
/// request number; <c>API_FUZZ_SEED</c> and <c>API_FUZZ_REQUESTS</c> replay or widen a run.
/// </summary>
public sealed class GeneratedRequestTests
{
    private const ulong DefaultSeed = 20_261_204;
    private const int DefaultRequests = 1_500;
    private const string ViewerKey = "test-viewer-key-0123456789";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Generated_requests_to_every_operation_never_get_a_5xx_and_a_refused_change_stores_nothing()
    {
        var seed = ulong.TryParse(Environment.GetEnvironmentVariable("API_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s) ? s : DefaultSeed;
        var count = int.TryParse(Environment.GetEnvironmentVariable("API_FUZZ_REQUESTS"), CultureInfo.InvariantCulture, out var n) ? n : DefaultRequests;
        await using var factory = new KestrelDashboardFactory(new Dictionary<string, string>
        {
            ["RateLimiting:Enabled"] = "false",
            ["Demo:Traffic:Enabled"] = "false",
            // Nothing but the requests writes counted rows: the orchestrator would add deployment events on its own.
            ["Deployments:TickSeconds"] = "3600",
            ["Deployments:JudgeOnArrivalSeconds"] = "0",
            ["Auth:ApiKeys:1:Name"] = "viewer",
            ["Auth:ApiKeys:1:Key"] = ViewerKey,
            ["Auth:ApiKeys:1:Role"] = "Viewer",
        });
        using var http = new HttpClient { BaseAddress = new Uri(factory.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
        var document = new OpenApiOperations(await http.GetFromJsonAsync<JsonElement>("/openapi/v1.json", Ct));
        var operations = document.All();
        Assert.Contains(operations, o => o.ToString() == "GET /api/v1/metrics/series");
        var values = new HostileValues(await CatalogueAsync(http));
        var requests = Gen.Int[0, operations.Count - 1].SelectMany(i => Request(operations[i], document, values));

        var pcg = new PCG(1, seed);
        var failures = new List<string>();
        var statuses = new SortedDictionary<int, int>();
        var covered = new HashSet<ApiOperation>();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count && failures.Count < 20; i++)
        {
            var request = requests.Generate(pcg, null, out _);
            covered.Add(request.Operation);
            var before = request.Operation.Mutates ? await StoredAsync(factory) : null;
            using var response = await http.SendAsync(request.ToMessage(ViewerKey), Ct);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var body = await response.Content.ReadAsStringAsync(Ct);
            var problem = status >= 500 ? "a server error"
                : before is not null && status is >= 400 and < 500 && await StoredAsync(factory) != before ? "a refusal that stored something"
                : status == 400 && !RefusedByKestrel(response) && !NamesAField(response, body) ? "a 400 that names no field"
                : null;
            if (problem is not null)
            {
                failures.Add($"#{i} (seed {seed}): {problem}: {request} → {status} {Shorten(body, 600)}");
            }
        }

        failures.AddRange(await OverlongTextAsync(factory));
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"seed {seed}: {count:N0} requests in {clock.Elapsed.TotalSeconds:0.0} s; statuses {string.Join(", ", statuses.Select(p => $"{p.Key}×{p.Value}"))}");
        Assert.True(failures.Count == 0, $"seed {seed} (set API_FUZZ_SEED to replay):\n" + string.Join("\n", failures));
        Assert.Empty(operations.Except(covered));
    }

    private static Gen<GeneratedRequest> Request(ApiOperation operation, OpenApiOperations document, HostileValues values)
    {
        var path = HostileValues.Sequence(operation.Parameters.Where(p => p.InPath).Select(p => values.Parameter(p.Name, p.Schema).Select(v => (p.Name, v))));
        var query = HostileValues.Sequence(operation.Parameters.Where(p => !p.InPath).Select(p =>
            Gen.Frequency<(string Name, string? Value)>((3, values.Parameter(p.Name, p.Schema).Select(v => (p.Name, (string?)v))), (2, Gen.Const((p.Name, (string?)null))))));
        var body = operation.Body is { } schema
            ? Gen.Frequency<string?>((9, values.Body(document, schema).Select(b => (string?)b)), (1, Gen.Const((string?)null)))
            : Gen.Const((string?)null);
        return Gen.Select(path, query, body, Gen.Int[0, 4], (p, q, b, who) => new GeneratedRequest(
            operation,
            p.Aggregate(operation.Path, (url, value) => url.Replace("{" + value.Name + "}", Uri.EscapeDataString(value.v), StringComparison.Ordinal))
                + string.Concat(q.Where(x => x.Value is not null).Select((x, i) => $"{(i == 0 ? '?' : '&')}{x.Name}={Uri.EscapeDataString(x.Value!)}")),
            b,
            AsViewer: who == 0));
    }

    private static async Task<Catalogue> CatalogueAsync(HttpClient http)
    {
        var models = await http.GetFromJsonAsync<JsonElement>("/api/v1/models?pageSize=200", Ct);
        var names = models.GetProperty("items").EnumerateArray().Select(m => m.GetProperty("name").GetString()!).ToList();
        var versions = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var list = await http.GetFromJsonAsync<JsonElement>($"/api/v1/models/{name}/versions", Ct);
            versions.UnionWith(list.EnumerateArray().Select(v => v.GetProperty("version").GetString()!));
        }

        Assert.NotEmpty(names);
        return new Catalogue(names, [.. versions], ["staging", "production"]);
    }

    /// <summary>Row counts of everything a request can store (alerts themselves are left out: the evaluator opens them on its own).</summary>
    private static async Task<(DatabaseCounts Rows, int AlertRules)?> StoredAsync(DashboardFactory factory)
    {
        await using var db = await factory.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync(Ct);
        return (await DatabaseCounts.ReadAsync(factory), await db.AlertRules.CountAsync(Ct));
    }

    /// <summary>Kestrel refuses some requests (a NUL in the path) before any of the app runs: an empty 400, no field to name.</summary>
    private static bool RefusedByKestrel(HttpResponseMessage response) => response.Content.Headers.ContentLength == 0;

    private static bool NamesAField(HttpResponseMessage response, string body)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return false;
        }

        using var problem = JsonDocument.Parse(body);
        return problem.RootElement.TryGetProperty("errors", out var errors) && errors.EnumerateObject().Any();
    }

    /// <summary>SQLite stores any length; SQL Server would have refused the write. Every text must fit its column.</summary>
    private static async Task<List<string>> OverlongTextAsync(DashboardFactory factory)
    {
        await using var db = await factory.GetRequiredService<IDbContextFactory<RegistryDbContext>>().CreateDbContextAsync(Ct);
        var found = new List<string>();
        foreach (var entity in db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null && !e.IsOwned()))
        {
            var table = entity.GetTableName()!;
            foreach (var property in entity.GetProperties().Where(p => p.ClrType == typeof(string) && p.GetMaxLength() is not null))
            {
                var column = property.GetColumnName();
                // Names and limits come from the EF model, not from input.
                var sql = string.Create(CultureInfo.InvariantCulture, $"SELECT COUNT(*) AS \"Value\" FROM \"{table}\" WHERE length(\"{column}\") > {property.GetMaxLength()}");
                var overlong = await db.Database.SqlQueryRaw<int>(sql).SingleAsync(Ct);
                if (overlong > 0)
                {
                    found.Add($"{overlong} row(s) of {table}.{column} are longer than its {property.GetMaxLength()} characters.");
                }
            }
        }

        return found;
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : text[..max] + "…";
}

/// <summary>One generated call: the operation, its URL with path and query filled in, the raw body, and who sends it.</summary>
public sealed record GeneratedRequest(ApiOperation Operation, string Url, string? Body, bool AsViewer)
{
    public HttpRequestMessage ToMessage(string viewerKey)
    {
        var message = new HttpRequestMessage(new HttpMethod(Operation.Method), Url);
        if (Body is not null)
        {
            message.Content = new StringContent(Body, Encoding.UTF8, "application/json");
        }

        if (AsViewer)
        {
            message.Headers.Add("X-Api-Key", viewerKey);
        }

        return message;
    }

    public override string ToString() =>
        $"{Operation.Method} {(Url.Length > 300 ? Url[..300] + "…" : Url)}{(AsViewer ? " as Viewer" : "")}{(Body is null ? "" : " " + (Body.Length > 300 ? Body[..300] + "…" : Body))}";
}
