using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ModelRegistry.Dashboard.Benchmarks;

/// <summary>
/// One chart <c>append</c> call as it reached the client: the chart, the newest point's second (Unix ms of the second's
/// start) and when the call arrived. <see cref="IsNewSecond"/> is false when the call brought no second newer than the
/// chart already had (from its <c>create</c> or an earlier append): only new seconds are arrival-latency samples.
/// </summary>
internal readonly record struct ChartAppend(string ChartId, long NewestX, int Points, long ReceivedAtUnixMs, bool IsNewSecond)
{
    /// <summary>How long after its second ended the newest point arrived: now − (second's start + 1 s).</summary>
    public long ArrivalLatencyMs => ReceivedAtUnixMs - (NewestX + 1000);
}

/// <summary>
/// A live dashboard without a browser: a real Blazor Server circuit opened over the <c>/_blazor</c> hub the way
/// <c>blazor.web.js</c> (.NET 10) opens one, kept alive the way a browser keeps it (every render batch acknowledged, every
/// JS interop call answered), drawing nothing. The server side — circuit, components, live feed, interop traffic — is
/// the same as for a browser tab; the client side costs a few objects, so hundreds fit in the load driver.
/// </summary>
/// <remarks>
/// The protocol followed (dotnet/aspnetcore, src/Components): GET the page; the interactive-server markers
/// (<c>&lt;!--Blazor:{…}--&gt;</c>) and the persisted state comment are in its HTML. Connect to <c>_blazor</c> with the
/// <c>blazorpack</c> hub protocol (MessagePack under another name); <c>StartCircuit(baseUri, uri, "[]", state)</c>;
/// when the server attaches the renderer (<c>Blazor._internal.attachWebRendererInterop</c>) answer it, then send
/// <c>UpdateRootComponents</c> with one <c>add</c> per marker, as <c>WebRootComponentManager</c> does. From then on each
/// <c>JS.RenderBatch</c> is acknowledged with <c>OnRenderCompleted</c> (the server stops rendering a circuit with 10
/// unacknowledged batches) and each <c>JS.BeginInvokeJS</c> answered with <c>EndInvokeJSFromDotNet</c>.
/// </remarks>
internal sealed partial class BlazorCircuitClient : IAsyncDisposable
{
    /// <summary>How long <see cref="StartAsync"/> waits for the first render batch: at hundreds of circuits on 2 cores the app is slow to answer.</summary>
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly HttpClient _http;
    private readonly HubConnection _connection;
    private readonly Uri _baseUri;
    private readonly string _operationsJson;
    private readonly string _applicationState;
    private readonly string _titleJson;
    private readonly TaskCompletionSource _firstRender = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<string, long> _newestByChart = new(StringComparer.Ordinal);
    private int _rootComponentsSent;
    private long _nextJsObjectId;
    private long _renderBatches;
    private long _appendCalls;
    private long _interopCalls;
    private string? _failure;
    private int _disposed;

    private BlazorCircuitClient(HttpClient http, Uri baseUri, Uri page, string html, string applicationState, CookieContainer cookies)
    {
        _http = http;
        _operationsJson = AddOperations(html);

        // HeadOutlet asks for the title the page came with, as the one to restore when no PageTitle sets one.
        _titleJson = JsonSerializer.Serialize(Title().Match(html) is { Success: true } title ? WebUtility.HtmlDecode(title.Groups[1].Value) : null);
        _baseUri = baseUri;
        PageUri = page;
        _applicationState = applicationState;

        var builder = new HubConnectionBuilder().WithUrl(new Uri(baseUri, "_blazor"), options =>
        {
            // WebSockets only and no negotiate round trip: the browser ends up on the same transport, and the load
            // driver should spend its requests on circuits, not on handshakes.
            options.Transports = HttpTransportType.WebSockets;
            options.SkipNegotiation = true;

            // The page's cookies (antiforgery, a sign-in if there were one) go with the hub connection as a browser's do.
            options.Cookies = cookies;
        });

        // The hub speaks only blazorpack; SignalR's JSON protocol, registered by default, would be refused in the handshake.
        builder.Services.RemoveAll<IHubProtocol>();
        builder.Services.AddSingleton<IHubProtocol>(new BlazorPackProtocol());
        _connection = builder.Build();
        _connection.Closed += error =>
        {
            _failure ??= error is null ? "connection closed" : $"connection closed: {error.Message}";
            _firstRender.TrySetException(new InvalidOperationException(_failure));
            return Task.CompletedTask;
        };

        _connection.On<long, byte[]>("JS.RenderBatch", OnRenderBatchAsync);
        _connection.On<long, string, string?, int, long, int>("JS.BeginInvokeJS", OnBeginInvokeJSAsync);
        _connection.On<string>("JS.Error", error =>
        {
            // The server ended the circuit (an unhandled exception, or a call it found invalid): the page is dead.
            _failure ??= $"JS.Error: {error}";
            Diagnostic?.Invoke($"JS.Error: {error}");
            _firstRender.TrySetException(new InvalidOperationException(_failure));
        });

        // What a browser does with these is DOM work or bookkeeping; a client that draws nothing has none to do.
        _connection.On<int, string>("JS.AttachComponent", (_, _) => { });
        _connection.On<long>("JS.EndUpdateRootComponents", _ => { });
        _connection.On<string, bool, string?>("JS.EndInvokeDotNet", (_, _, _) => { });
        _connection.On<long, byte[]>("JS.ReceiveByteArray", (_, _) => { });
    }

    /// <summary>Raised for every chart <c>append</c> interop call, on the connection's receive loop: keep the handler short and thread-safe (clients raise it concurrently).</summary>
    public event Action<ChartAppend>? ChartAppended;

    /// <summary>An interop call answered by guess (identifier and result type) or a circuit error: for a smoke run's log.</summary>
    public event Action<string>? Diagnostic;

    /// <summary>The page the circuit was opened for (after redirects).</summary>
    public Uri PageUri { get; }

    /// <summary>The circuit's id (its secret, as <c>StartCircuit</c> returns it to the browser).</summary>
    public string? CircuitId { get; private set; }

    /// <summary>The hub connection is up and the server has not reported the circuit as failed.</summary>
    public bool IsAlive => _failure is null && _connection.State == HubConnectionState.Connected;

    /// <summary>Why the circuit is no longer alive, when it is not.</summary>
    public string? Failure => _failure;

    public long RenderBatches => Interlocked.Read(ref _renderBatches);

    public long AppendCalls => Interlocked.Read(ref _appendCalls);

    public long InteropCalls => Interlocked.Read(ref _interopCalls);

    /// <summary>
    /// Opens <paramref name="page"/> as a live dashboard: GETs it, starts a circuit for its interactive-server components
    /// and returns once the first render batch has arrived. <paramref name="onAppend"/> and <paramref name="onDiagnostic"/>
    /// are subscribed before the circuit starts, so no call is missed.
    /// </summary>
    public static async Task<BlazorCircuitClient> StartAsync(Uri page, Action<ChartAppend>? onAppend = null, Action<string>? onDiagnostic = null, CancellationToken cancellationToken = default)
    {
        var cookies = new CookieContainer();
        var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, UseCookies = true, AllowAutoRedirect = true });
        BlazorCircuitClient? client = null;
        try
        {
            using var response = await http.GetAsync(page, cancellationToken);
            response.EnsureSuccessStatusCode();
            var html = await response.Content.ReadAsStringAsync(cancellationToken);
            var location = response.RequestMessage?.RequestUri ?? page;
            var baseUri = BaseHref().Match(html) is { Success: true } @base ? new Uri(location, WebUtility.HtmlDecode(@base.Groups[1].Value)) : new Uri(location, "/");
            var state = ServerState().Match(html) is { Success: true } s ? s.Groups[1].Value : "";
            client = new BlazorCircuitClient(http, baseUri, location, html, state, cookies);
            client.ChartAppended += onAppend;
            client.Diagnostic += onDiagnostic;
            await client.ConnectAsync(cancellationToken);
            return client;
        }
        catch
        {
            if (client is not null)
            {
                await client.DisposeAsync();
            }
            else
            {
                http.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// The root component batch <c>WebRootComponentManager</c> sends for a freshly loaded page: one <c>add</c> per server
    /// marker, in document order, ssrComponentId from 1; the marker is the comment's JSON plus the descriptor's uniqueId.
    /// </summary>
    private static string AddOperations(string html)
    {
        var operations = new JsonArray();
        var uniqueId = 0;
        foreach (Match match in ComponentMarker().Matches(html))
        {
            if (JsonNode.Parse(match.Groups[1].Value) is not JsonObject marker || (string?)marker["type"] != "server")
            {
                continue;
            }

            marker["uniqueId"] = uniqueId++;
            operations.Add(new JsonObject { ["type"] = "add", ["ssrComponentId"] = uniqueId, ["marker"] = marker });
        }

        if (operations.Count == 0)
        {
            throw new InvalidOperationException("The page has no interactive-server component marker: nothing to start a circuit for.");
        }

        return new JsonObject { ["batchId"] = 1, ["operations"] = operations }.ToJsonString();
    }

    private async Task ConnectAsync(CancellationToken cancellationToken)
    {
        await _connection.StartAsync(cancellationToken);

        // Components come later, through UpdateRootComponents: blazor.web.js starts every circuit with none.
        CircuitId = await _connection.InvokeAsync<string?>("StartCircuit", _baseUri.AbsoluteUri, PageUri.AbsoluteUri, "[]", _applicationState, cancellationToken);
        if (CircuitId is null)
        {
            _failure ??= "StartCircuit was refused";
            throw new InvalidOperationException($"{PageUri}: {_failure}");
        }

        await _firstRender.Task.WaitAsync(StartTimeout, cancellationToken);
    }

    private async Task OnRenderBatchAsync(long batchId, byte[] batch)
    {
        Interlocked.Increment(ref _renderBatches);

        // What the browser sends once the batch is applied to the DOM; there is no DOM, so at once.
        await _connection.SendAsync("OnRenderCompleted", batchId, null);
        _firstRender.TrySetResult();
    }

    private async Task OnBeginInvokeJSAsync(long asyncHandle, string identifier, string? argsJson, int resultType, long targetInstanceId, int callType)
    {
        Interlocked.Increment(ref _interopCalls);
        var result = Answer(identifier, argsJson, resultType, targetInstanceId);
        if (asyncHandle != 0)
        {
            // The format CallDispatcher.beginInvokeJSFromDotNet sends: the JSON array [asyncHandle, succeeded, result].
            await _connection.SendAsync("EndInvokeJSFromDotNet", asyncHandle, true, $"[{asyncHandle.ToString(CultureInfo.InvariantCulture)},true,{result}]");
        }

        // The renderer is attached: blazor.web.js now activates the page's components, after answering the call.
        if (identifier == "Blazor._internal.attachWebRendererInterop" && Interlocked.Exchange(ref _rootComponentsSent, 1) == 0)
        {
            await _connection.SendAsync("UpdateRootComponents", _operationsJson, _applicationState);
        }
    }

    /// <summary>
    /// The JSON result a browser would plausibly return. Only what the app's .NET side reads matters: a module import
    /// (or any call that wants an object reference) gets a new JS object id, calls that want a bool get false, and the
    /// rest null (void calls, <c>localStorage.getItem</c> of a key never stored, MudBlazor's setup calls).
    /// </summary>
    private string Answer(string identifier, string? argsJson, int resultType, long targetInstanceId)
    {
        switch (resultType)
        {
            case JSObjectReferenceResult:
                return $"{{\"__jsObjectId\":{Interlocked.Increment(ref _nextJsObjectId).ToString(CultureInfo.InvariantCulture)}}}";
            case JSVoidResult:
                break;
            case JSStreamReferenceResult:
                Diagnostic?.Invoke($"stream reference wanted by '{identifier}': answered null");
                return "null";
        }

        switch (identifier)
        {
            case "append" when targetInstanceId != 0:
                OnAppend(argsJson, append: true);
                return "null";
            case "create" when targetInstanceId != 0:
                OnAppend(argsJson, append: false);
                return "null";
            case "Blazor._internal.PageTitle.getAndRemoveExistingTitle":
                return _titleJson;
        }

        if (resultType != JSDefaultResult)
        {
            return "null";
        }

        if (KnownResults.TryGetValue(identifier, out var known))
        {
            return known;
        }

        Diagnostic?.Invoke($"result of '{identifier}' (target {targetInstanceId}) guessed: null; args {argsJson}");
        return "null";
    }

    /// <summary>
    /// An <c>append</c> is <c>[chartId, points]</c>, a <c>create</c> <c>[element, config]</c> with the chart's first
    /// points in <c>config.points</c>; a point is <c>{s, x, y}</c> with x the Unix ms of its second's start.
    /// </summary>
    private void OnAppend(string? argsJson, bool append)
    {
        var receivedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (argsJson is null)
        {
            return;
        }

        using var args = JsonDocument.Parse(argsJson);
        if (args.RootElement.ValueKind != JsonValueKind.Array || args.RootElement.GetArrayLength() < 2)
        {
            return;
        }

        string? chartId;
        JsonElement points;
        if (append)
        {
            chartId = args.RootElement[0].GetString();
            points = args.RootElement[1];
        }
        else
        {
            var config = args.RootElement[1];
            chartId = config.TryGetProperty("id", out var id) ? id.GetString() : null;
            points = config.TryGetProperty("points", out var initial) ? initial : default;
        }

        if (chartId is null)
        {
            return;
        }

        var newest = long.MinValue;
        var count = 0;
        if (points.ValueKind == JsonValueKind.Array)
        {
            foreach (var point in points.EnumerateArray())
            {
                count++;
                if (point.TryGetProperty("x", out var x) && x.TryGetInt64(out var at) && at > newest)
                {
                    newest = at;
                }
            }
        }

        // Calls for one circuit come one at a time (the connection's receive loop): no lock for its own charts.
        var known = _newestByChart.TryGetValue(chartId, out var previous);
        var isNew = newest != long.MinValue && (!known || newest > previous);
        if (isNew)
        {
            _newestByChart[chartId] = newest;
        }

        if (append)
        {
            Interlocked.Increment(ref _appendCalls);
            if (newest != long.MinValue)
            {
                ChartAppended?.Invoke(new ChartAppend(chartId, newest, count, receivedAt, isNew));
            }
        }
    }

    /// <summary>
    /// Closes the page the way blazor.web.js disposes a circuit: the connection stopped, then <c>_blazor/disconnect</c>
    /// posted so the server ends the circuit at once instead of keeping it for a reconnect.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _failure ??= "disposed";
        try
        {
            await _connection.StopAsync();
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or OperationCanceledException)
        {
            // Already closed by the server: nothing left to stop.
        }

        await _connection.DisposeAsync();
        if (CircuitId is { } circuitId)
        {
            try
            {
                using var content = new FormUrlEncodedContent([new KeyValuePair<string, string>("circuitId", circuitId)]);
                using var response = await _http.PostAsync(new Uri(_baseUri, "_blazor/disconnect"), content);
                if (!response.IsSuccessStatusCode)
                {
                    Diagnostic?.Invoke($"_blazor/disconnect answered {(int)response.StatusCode}: the circuit waits out its retention instead");
                }
            }
            catch (HttpRequestException)
            {
                // The app is gone (a run that stops it first): the circuit went with it.
            }
        }

        _http.Dispose();
    }

    // JSCallResultType (Microsoft.JSInterop), as sent in JS.BeginInvokeJS.
    private const int JSDefaultResult = 0;
    private const int JSObjectReferenceResult = 1;
    private const int JSStreamReferenceResult = 2;
    private const int JSVoidResult = 3;

    /// <summary>
    /// What a browser on a desktop-sized window answers to the calls the app and MudBlazor make and read a result of
    /// (found with smoke runs: an unknown call is reported through <see cref="Diagnostic"/>). A value type (bool, int)
    /// must get one: null would not deserialize into it and the caller would throw.
    /// </summary>
    private static readonly Dictionary<string, string> KnownResults = new(StringComparer.Ordinal)
    {
        // MainLayout: the dark-mode choice was never stored in this "browser".
        ["localStorage.getItem"] = "null",
        ["Blazor._internal.navigationManager.enableNavigationInterception"] = "null",

        // MudBlazor checks its script is loaded (window.hasOwnProperty("mudElementRef")): it is, in a real page.
        ["window.hasOwnProperty"] = "true",
        ["mudpopoverHelper.countProviders"] = "1",
        ["mudThemeProvider.isDarkMode"] = "false",
        ["mudResizeListener.getBrowserWindowSize"] = """{"height":800,"width":1280}""",
        ["mudElementRef.getBoundingClientRect"] = """{"x":0,"y":0,"width":1280,"height":800,"top":0,"left":0,"right":1280,"bottom":800}""",

        // The deployment wizard's focus module.
        ["focusFirstField"] = "false",
    };

    [GeneratedRegex("""<!--Blazor:(\{.*?\})-->""", RegexOptions.Singleline)]
    private static partial Regex ComponentMarker();

    [GeneratedRegex("""<!--Blazor-Server-Component-State:([A-Za-z0-9+/=]+)-->""")]
    private static partial Regex ServerState();

    [GeneratedRegex("<title>([^<]*)</title>", RegexOptions.IgnoreCase)]
    private static partial Regex Title();

    [GeneratedRegex("<base\\s+href=\"([^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex BaseHref();

    /// <summary>
    /// Blazor's hub protocol: SignalR's MessagePack protocol under the name <c>blazorpack</c>, which is what blazor.web.js
    /// does to its JS MessagePack protocol. The server's BlazorPackHubProtocol (binary, version 2, accepting any version up
    /// to 2) reads and writes the same messages.
    /// </summary>
    private sealed class BlazorPackProtocol : IHubProtocol
    {
        private readonly MessagePackHubProtocol _messagePack = new();

        public string Name => "blazorpack";

        public int Version => _messagePack.Version;

        public TransferFormat TransferFormat => TransferFormat.Binary;

        public bool IsVersionSupported(int version) => _messagePack.IsVersionSupported(version);

        public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [NotNullWhen(true)] out HubMessage? message) =>
            _messagePack.TryParseMessage(ref input, binder, out message);

        public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => _messagePack.WriteMessage(message, output);

        public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => _messagePack.GetMessageBytes(message);
    }
}
