using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace ModelRegistry.Dashboard.Tests.Infrastructure;

/// <summary>
/// The app as a real OS process: <c>dotnet bin/{Configuration}/{tfm}/ModelRegistry.Dashboard.dll</c> from the repository
/// root (the build this test project's reference produced), in Production, on a free loopback port, on the given SQLite
/// file, with an anonymous Admin and loopback model servers allowed. <see cref="KillAsync"/> is SIGKILL: nothing of the app's shutdown runs, which is the
/// crash an in-process host cannot give. The app's console output is kept and written to the test output on dispose,
/// so a failing test shows what the app said.
/// </summary>
public sealed partial class AppProcess : IAsyncDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;
    private readonly string _name;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppProcess(string name, ProcessStartInfo start)
    {
        _name = name;
        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.Exited += (_, _) => _listening.TrySetException(new InvalidOperationException($"{_name} exited with code {_process.ExitCode} before it listened."));
    }

    /// <summary>A client based on the app's address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>Everything the app wrote to stdout and stderr so far.</summary>
    public string Output => string.Join('\n', _output);

    /// <summary>
    /// Starts the app with <paramref name="settings"/> as configuration (command-line arguments, so they win over
    /// <c>appsettings.json</c>) and returns once it answers <c>/healthz</c>.
    /// </summary>
    public static async Task<AppProcess> StartAsync(string name, string databasePath, IReadOnlyDictionary<string, string> settings)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(AppDll());
        var arguments = new Dictionary<string, string>
        {
            ["contentRoot"] = RepositoryRoot.Path,
            ["environment"] = "Production",
            ["urls"] = "http://127.0.0.1:0",
            ["ConnectionStrings:Registry"] = $"Data Source={databasePath}",
            ["Database:Provider"] = "Sqlite",
            ["Auth:Anonymous:Enabled"] = "true",
            ["Auth:Anonymous:AllowAdminOutsideDevelopment"] = "true",
            ["Auth:Anonymous:Name"] = "test-user",
            ["Auth:Anonymous:Role"] = "Admin",
            // Production refuses loopback version endpoints; the tests' model servers (and the demo's) are on this machine.
            ["Registry:EndpointAllowList:0"] = "127.0.0.1",
            ["Registry:EndpointAllowList:1"] = "localhost",
            // FormatterOptions apply only with a FormatterName; UTC times line up with the test's kill time.
            ["Logging:Console:FormatterName"] = "simple",
            ["Logging:Console:FormatterOptions:ColorBehavior"] = "Disabled",
            ["Logging:Console:FormatterOptions:TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging:Console:FormatterOptions:UseUtcTimestamp"] = "true",
        };
        foreach (var (key, value) in settings)
        {
            arguments[key] = value;
        }

        foreach (var (key, value) in arguments)
        {
            start.ArgumentList.Add($"--{key}={value}");
        }

        var app = new AppProcess(name, start);
        try
        {
            app._process.Start();
            AppDomain.CurrentDomain.ProcessExit += app.KillWithTheTestRun;
            app._process.BeginOutputReadLine();
            app._process.BeginErrorReadLine();
            var address = await app._listening.Task.WaitAsync(StartTimeout, TestContext.Current.CancellationToken);
            app.Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
            await app.WaitUntilHealthyAsync();
            return app;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await app.DisposeAsync();
            throw new InvalidOperationException($"{name} did not start: {ex.Message}", ex);
        }
    }

    /// <summary>SIGKILL, then waits until the process is gone. Returns the moment just before the signal.</summary>
    public async Task<DateTime> KillAsync()
    {
        var at = DateTime.UtcNow;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        Keep($"[test] {_name} killed with SIGKILL at {at:HH:mm:ss.fff}");
        return at;
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillWithTheTestRun;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Client?.Dispose();
        _process.Dispose();
        TestContext.Current.TestOutputHelper?.WriteLine($"----- {_name} output -----\n{Output}");
    }

    /// <summary>
    /// A test run that exits without disposing this (a failed fixture) must not leave the app running. Not a guard against
    /// a killed or SIGTERMed runner: .NET raises ProcessExit on neither.
    /// </summary>
    private void KillWithTheTestRun(object? sender, EventArgs e)
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private Task WaitUntilHealthyAsync() => Poll.UntilAsync(
        async () =>
        {
            try
            {
                using var response = await Client.GetAsync("/healthz", TestContext.Current.CancellationToken);
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        },
        StartTimeout,
        _ => $"{_name} listened on {Client.BaseAddress} but did not answer /healthz within {StartTimeout.TotalSeconds:0} s.",
        TimeSpan.FromMilliseconds(100));

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(new Uri(match.Groups[1].Value));
        }
    }

    /// <summary>The app's own build, in the configuration and target framework this test assembly was built in.</summary>
    private static string AppDll()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (output.Name, output.Parent!.Name);
        var dll = Path.Combine(RepositoryRoot.Path, "bin", configuration, framework, "ModelRegistry.Dashboard.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"The app's build output is missing ({configuration}, {framework}); build the solution first.", dll);
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
