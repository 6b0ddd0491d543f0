using System.Net;
using System.Net.Http.Json;
using Microsoft.Data.Sqlite;
using ModelRegistry.Dashboard.Telemetry;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Telemetry;

/// <summary>
/// Issue 9's acceptance line with a real crash: steady traffic into an app process, SIGKILL, a new process on the same
/// SQLite file. The history API then holds every event except those of the last <see cref="StatedLossWindow"/> before the
/// kill, and counts nothing twice — neither what the killed process persisted nor, after the restart, what the new one
/// records into the same minute.
/// </summary>
public sealed class MetricHistoryKillTests : IAsyncDisposable
{
    /// <summary>
    /// What the README states: a flush every 2 s (<c>Telemetry:FlushIntervalSeconds</c>), of every second before the
    /// last <see cref="MetricRollupWriter.CompletionGraceSeconds"/> + 1, with a second to spare for the flush itself.
    /// </summary>
    private static readonly TimeSpan StatedLossWindow = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Traffic = TimeSpan.FromSeconds(12);

    private const string Version = "1.0.0";

    private readonly TestDatabase _database = new();
    private readonly List<AppProcess> _processes = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _processes)
        {
            await app.DisposeAsync();
        }

        _database.Dispose();
    }

    [Fact]
    public async Task After_kill_9_the_history_misses_at_most_the_stated_window_and_counts_nothing_twice()
    {
        var first = await StartAsync();
        var model = Seed.UniqueName("kill");
        await Seed.ModelAsync(first.Client, model);
        await Seed.VersionAsync(first.Client, model, Version);

        // Steady traffic: a batch of 20 every ~100 ms, each event stamped with the second it was sent in.
        var sent = new List<DateTime>();
        var until = DateTime.UtcNow + Traffic;
        while (DateTime.UtcNow < until)
        {
            var at = DateTime.UtcNow;
            await PostAsync(first.Client, model, 20, at);
            sent.AddRange(Enumerable.Repeat(at, 20));
            await Task.Delay(TimeSpan.FromMilliseconds(100), Ct); // the traffic's pace, not a wait for a condition
        }

        var killedAt = await first.KillAsync();
        var second = await StartAsync();
        var from = sent[0].AddMinutes(-1);
        var persisted = await HistoryTotalAsync(second.Client, model, from);

        // Nothing twice, and nothing missing but the tail: every event sent before the window is in the history.
        var beforeWindow = sent.Count(t => t < killedAt - StatedLossWindow);
        var lost = sent.Count - persisted;
        var lostSince = sent.OrderBy(t => t).Skip((int)Math.Min(persisted, sent.Count)).FirstOrDefault(killedAt);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"sent {sent.Count} events over {Traffic.TotalSeconds:0} s; history after the kill holds {persisted}; " +
            $"lost {lost}, i.e. the events of the last {(killedAt - lostSince).TotalSeconds:0.0} s before the kill (stated: at most {StatedLossWindow.TotalSeconds:0} s)");
        Assert.True(persisted <= sent.Count, $"the history holds {persisted} events, more than the {sent.Count} sent: something was counted twice");
        Assert.True(persisted >= beforeWindow, $"the history holds {persisted} events; {beforeWindow} were sent more than {StatedLossWindow.TotalSeconds:0} s before the kill");

        // The new process records into a minute the killed one wrote to: live and persisted parts are each counted once,
        // before and after its own flush merged them into the same rows.
        var now = DateTime.UtcNow;
        await PostAsync(second.Client, model, 30, now);
        // A query during the new process's flush may miss the seconds being committed for a moment (never count them
        // twice), so this first look may take a second try.
        await Poll.UntilAsync(
            async () => await HistoryTotalAsync(second.Client, model, from) == persisted + 30,
            TimeSpan.FromSeconds(5),
            _ => "the history did not show the restarted process's live events exactly once");
        await Poll.UntilAsync(
            async () => await RowsTotalAsync(model) == persisted + 30,
            TimeSpan.FromSeconds(30),
            _ => "the restarted process did not persist its events");
        Assert.Equal(persisted + 30, await HistoryTotalAsync(second.Client, model, from));
    }

    private async Task<AppProcess> StartAsync()
    {
        var app = await AppProcess.StartAsync($"app process {_processes.Count + 1}", _database.FilePath, new Dictionary<string, string>());
        _processes.Add(app);
        return app;
    }

    private static async Task PostAsync(HttpClient client, string model, int count, DateTime timestamp)
    {
        var events = Enumerable.Range(0, count).Select(i => new { model, version = Version, environment = "staging", latencyMs = 40.0 + i, success = true, timestamp });
        var response = await client.PostAsJsonAsync("/api/v1/metrics/events", new { events }, Ct);
        await response.ShouldHaveStatusAsync(HttpStatusCode.Accepted);
    }

    private static async Task<long> HistoryTotalAsync(HttpClient client, string model, DateTime from)
    {
        var series = await (await client.GetAsync(
                $"/api/v1/metrics/series?model={model}&environment=staging&version={Version}&from={MetricsApiTests.Iso(from)}&to={MetricsApiTests.Iso(DateTime.UtcNow.AddMinutes(1))}&stepSeconds=60", Ct))
            .ReadAsync<MetricSeriesResult>();
        return series.Points.Sum(p => p.Requests);
    }

    /// <summary>What the rollup rows in the database hold, read from the file beside the running process.</summary>
    private async Task<long> RowsTotalAsync(string model)
    {
        await using var connection = new SqliteConnection($"Data Source={_database.FilePath}");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(SUM(Requests), 0) FROM MetricRollups WHERE ModelName = $model";
        command.Parameters.AddWithValue("$model", model);
        return (long)(await command.ExecuteScalarAsync(Ct))!;
    }
}
