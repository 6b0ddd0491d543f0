using System.Diagnostics;
using System.Globalization;

namespace ModelRegistry.Dashboard.Benchmarks;

/// <summary>
/// The app as its own process, the way it is shipped: <c>dotnet publish -c Release</c> output started with
/// <c>dotnet ModelRegistry.Dashboard.dll</c> in Production (server GC from the published runtimeconfig), the demo catalogue
/// and demo traffic on, its own SQLite file (deleted on dispose), warnings-only logging. Its CPU time and RSS are read
/// from <c>/proc</c>; its GC heap with <c>dotnet-gcdump</c> (the local tool manifest beside this project).
/// </summary>
internal sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _databasePath;
    private readonly string _logPath;
    private readonly StreamWriter _log;

    private AppProcess(Process process, string databasePath, string logPath, StreamWriter log, Uri address)
    {
        _process = process;
        _databasePath = databasePath;
        _logPath = logPath;
        _log = log;
        Address = address;
    }

    public Uri Address { get; }

    public int Pid => _process.Id;

    /// <summary>Publishes the app (Release) into <paramref name="outputDirectory"/>; incremental when nothing changed.</summary>
    public static async Task PublishAsync(string outputDirectory)
    {
        var root = RepositoryRoot();
        var publish = await RunToEndAsync("dotnet", ["publish", Path.Combine(root, "ModelRegistry.Dashboard.csproj"), "-c", "Release", "-o", outputDirectory, "--nologo", "-v", "q"], root);
        if (publish.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish failed:\n{publish.Output}");
        }
    }

    public static async Task<AppProcess> StartAsync(string publishDirectory, int port, IReadOnlyDictionary<string, string> settings)
    {
        var databasePath = Path.Combine(Path.GetTempPath(), $"bench-dash-{Guid.NewGuid():N}.db");
        var logPath = databasePath + ".log";
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = publishDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(publishDirectory, "ModelRegistry.Dashboard.dll"));
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__Registry"] = $"Data Source={databasePath}";
        start.Environment["Database__Provider"] = "Sqlite";
        start.Environment["Demo__Enabled"] = "true";
        start.Environment["Demo__Traffic__Enabled"] = "true";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new AppProcess(process, databasePath, logPath, log, new Uri($"http://127.0.0.1:{port}"));
        using var http = new HttpClient { BaseAddress = app.Address };
        try
        {
            await WaitUntilServingAsync(http, process);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    /// <summary>User + system CPU time the process has used so far (<c>/proc/PID/stat</c> utime + stime).</summary>
    public TimeSpan CpuTime() => ProcStat.CpuTime(Pid);

    /// <summary>Resident set size now (<c>VmRSS</c> of <c>/proc/PID/status</c>), in bytes.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException("No VmRSS line.");
    }

    /// <summary>
    /// The live managed heap: <c>dotnet-gcdump collect</c> forces a full blocking collection and walks what survived;
    /// its report's "GC Heap bytes" is the total size of the reachable objects. <paramref name="keepAs"/>: where to keep
    /// the dump (to compare object types between two stages with <c>dotnet-gcdump report</c>); null deletes it.
    /// </summary>
    public async Task<long> LiveHeapBytesAsync(string? keepAs = null) => (await LiveHeapAsync(keepAs)).Bytes;

    /// <summary>As <see cref="LiveHeapBytesAsync"/>, with how many Blazor circuits (<c>CircuitHost</c> objects) are still alive.</summary>
    public async Task<(long Bytes, int Circuits)> LiveHeapAsync(string? keepAs = null)
    {
        var toolDirectory = Path.Combine(RepositoryRoot(), "bench", "ModelRegistry.Dashboard.Benchmarks");
        var dump = Path.Combine(Path.GetTempPath(), $"bench-dash-{Guid.NewGuid():N}.gcdump");
        try
        {
            var collect = await RunToEndAsync("dotnet", ["tool", "run", "dotnet-gcdump", "collect", "-p", Pid.ToString(CultureInfo.InvariantCulture), "-o", dump], toolDirectory);
            if (collect.ExitCode != 0 || !File.Exists(dump))
            {
                throw new InvalidOperationException($"dotnet-gcdump collect failed (run `dotnet tool restore` in {toolDirectory}):\n{collect.Output}");
            }

            var report = await RunToEndAsync("dotnet", ["tool", "run", "dotnet-gcdump", "report", dump], toolDirectory);
            long? bytes = null;
            var circuits = 0;
            foreach (var line in report.Output.Split('\n'))
            {
                var fields = line.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (line.Trim().EndsWith("GC Heap bytes", StringComparison.Ordinal))
                {
                    bytes = long.Parse(fields[0], NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
                }
                else if (fields.Length >= 3 && fields[2] == "Microsoft.AspNetCore.Components.Server.Circuits.CircuitHost")
                {
                    circuits += int.Parse(fields[1], NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
                }
            }

            if (bytes is { } total)
            {
                return (total, circuits);
            }

            throw new InvalidOperationException($"No \"GC Heap bytes\" line in the gcdump report:\n{report.Output}");
        }
        finally
        {
            if (keepAs is null)
            {
                File.Delete(dump);
            }
            else
            {
                File.Move(dump, keepAs, overwrite: true);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        await _log.DisposeAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm", ".log" })
        {
            File.Delete(_databasePath + suffix);
        }
    }

    public string LogTail() => File.Exists(_logPath) ? string.Join('\n', File.ReadLines(_logPath).TakeLast(20)) : "";

    /// <summary>The repository root: the folder of <c>ModelRegistry.Dashboard.sln</c>, above this program's output.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ModelRegistry.Dashboard.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ModelRegistry.Dashboard.sln above {AppContext.BaseDirectory}.");
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    private static async Task WaitUntilServingAsync(HttpClient http, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var health = await http.GetAsync("/healthz");
                if (health.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(200);
        }

        throw new InvalidOperationException(process.HasExited ? $"The app exited with {process.ExitCode}." : "The app did not answer /healthz within 60 s.");
    }

    private static async Task<(int ExitCode, string Output)> RunToEndAsync(string file, IReadOnlyList<string> arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
