using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ModelRegistry.Dashboard.Benchmarks;

/// <summary>How a dashboard's chart is drawn in the browser; the server side (circuit, feed, interop) is the same.</summary>
internal enum ChartDrawing
{
    /// <summary>The real ApexCharts bundle: the point is drawn in the SVG.</summary>
    Real,

    /// <summary>A stand-in ApexCharts that keeps the series and draws nothing: a circuit that costs the browser little.</summary>
    Stub,

    /// <summary>A stand-in whose constructor throws: the chart is never created, so the page runs only its table path.</summary>
    Failing,
}

/// <summary>
/// Headless Chromium (the system's, through Playwright's bundled driver) holding dashboards open: real tabs, or many
/// frames in one tab for the circuits whose drawing is not what is measured. Every frame records, for each chart update,
/// when the update's newest point was applied: now − (point's second + 1 s).
/// </summary>
internal sealed partial class DashboardBrowser : IAsyncDisposable
{
    /// <summary>
    /// Wraps <c>ApexCharts.prototype.updateSeries</c> as soon as the bundle (or a stand-in) defines it: when the update's
    /// promise resolves (the SVG redrawn, the <c>updated</c> event fired) the latency of its newest point is recorded,
    /// once per new newest second per chart.
    /// </summary>
    private const string LatencyHook = """
        (() => {
          const samples = [];
          window.__benchLatency = samples;
          const newestByChart = new WeakMap();
          const wrap = AC => {
            if (!AC || !AC.prototype || AC.__benchWrapped) return AC;
            const original = AC.prototype.updateSeries;
            AC.prototype.updateSeries = function (series, ...rest) {
              let newest = -Infinity;
              for (const s of series) {
                const d = s.data;
                if (d && d.length && d[d.length - 1][0] > newest) newest = d[d.length - 1][0];
              }
              const result = original.call(this, series, ...rest);
              if (newest > (newestByChart.get(this) ?? -Infinity)) {
                newestByChart.set(this, newest);
                Promise.resolve(result).then(() => samples.push(Date.now() - (newest + 1000)));
              }
              return result;
            };
            AC.__benchWrapped = true;
            return AC;
          };
          let current;
          Object.defineProperty(window, 'ApexCharts', { configurable: true, get: () => current, set: v => { current = wrap(v); } });
        })();
        """;

    private const string StubChart = """
        window.ApexCharts = class {
          constructor(element, options) { this.options = options; }
          render() { return Promise.resolve(); }
          updateSeries(series) { this.series = series; return Promise.resolve(); }
          updateOptions() { return Promise.resolve(); }
          destroy() {}
          static getChartByID() { return undefined; }
        };
        """;

    private const string FailingChart = """
        window.ApexCharts = class { constructor() { throw new Error('chart disabled by the benchmark'); } };
        """;

    /// <summary>The frames are in the host page's HTML: they exist once it is parsed; each is then awaited on its own.</summary>
    private static readonly PageGotoOptions Navigation = new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 180_000 };

    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;
    private readonly Uri _app;
    private readonly List<(IPage Page, ChartDrawing Drawing)> _pages = [];

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, Uri app)
    {
        _playwright = playwright;
        _browser = browser;
        _app = app;
    }

    public int Circuits { get; private set; }

    public int RealTabs => _pages.Count(p => p.Drawing == ChartDrawing.Real);

    public static async Task<DashboardBrowser> LaunchAsync(Uri app)
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") ?? "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-quic",
                // Tabs and frames that are not in front must keep their timers and sockets as a visible one does.
                "--disable-background-timer-throttling", "--disable-renderer-backgrounding", "--disable-backgrounding-occluded-windows",
            ],
        });
        return new DashboardBrowser(playwright, browser, app);
    }

    /// <summary>Opens <paramref name="frames"/> dashboards at <paramref name="path"/> as frames of one new tab (one tab per dashboard when <paramref name="frames"/> is 1).</summary>
    public async Task OpenAsync(string path, int frames, ChartDrawing drawing)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await context.AddInitScriptAsync(LatencyHook);
        if (drawing != ChartDrawing.Real)
        {
            var script = drawing == ChartDrawing.Stub ? StubChart : FailingChart;
            await context.RouteAsync(ApexChartsBundle(), route => route.FulfillAsync(new RouteFulfillOptions { ContentType = "text/javascript", Body = script }));
        }

        var page = await context.NewPageAsync();
        _pages.Add((page, drawing));
        if (frames == 1)
        {
            await page.GotoAsync(new Uri(_app, path).ToString(), Navigation);
        }
        else
        {
            // A same-origin page of the driver's own, never served by the app: only the frames inside it are the app's.
            var host = new Uri(_app, $"/__bench/frames/{Guid.NewGuid():N}").ToString();
            var html = new StringBuilder("<!doctype html><html><body style=\"margin:0\">");
            for (var i = 0; i < frames; i++)
            {
                html.Append(System.Globalization.CultureInfo.InvariantCulture, $"<iframe src=\"{path}\" width=\"640\" height=\"480\"></iframe>");
            }

            html.Append("</body></html>");

            // The app forbids being framed (frame-ancestors 'none', X-Frame-Options: DENY); the driver's frames are its own
            // device to open many circuits cheaply, so it takes those two off the app's page in this browser only.
            await page.RouteAsync(new Uri(_app, path).ToString(), async route =>
            {
                var response = await route.FetchAsync();
                var headers = response.Headers
                    .Where(h => !h.Key.Equals("x-frame-options", StringComparison.OrdinalIgnoreCase))
                    .ToDictionary(h => h.Key, h => h.Key.Equals("content-security-policy", StringComparison.OrdinalIgnoreCase)
                        ? h.Value.Replace("frame-ancestors 'none'", "frame-ancestors 'self'", StringComparison.Ordinal)
                        : h.Value);
                await route.FulfillAsync(new RouteFulfillOptions { Response = response, Headers = headers });
            });
            await page.RouteAsync(host, route => route.FulfillAsync(new RouteFulfillOptions { ContentType = "text/html", Body = html.ToString() }));
            await page.GotoAsync(host, Navigation);
        }

        var ready = drawing == ChartDrawing.Failing ? "[data-testid='metrics-chart-requests-failed']" : ".tsc-canvas[data-points]";
        foreach (var frame in AppFrames(page))
        {
            await frame.Locator(ready).First.WaitForAsync(new LocatorWaitForOptions { Timeout = 180_000 });
        }

        Circuits += frames;
    }

    /// <summary>Forgets the latencies recorded so far in every open dashboard.</summary>
    public async Task ClearLatenciesAsync()
    {
        foreach (var frame in _pages.SelectMany(p => AppFrames(p.Page)))
        {
            await frame.EvaluateAsync("() => { window.__benchLatency.length = 0; }");
        }
    }

    /// <summary>The latencies (ms) recorded since the last clear in the dashboards drawn as <paramref name="drawing"/>.</summary>
    public async Task<List<double>> LatenciesAsync(ChartDrawing drawing)
    {
        var all = new List<double>();
        foreach (var frame in _pages.Where(p => p.Drawing == drawing).SelectMany(p => AppFrames(p.Page)))
        {
            all.AddRange(await frame.EvaluateAsync<double[]>("() => window.__benchLatency.slice()"));
        }

        return all;
    }

    /// <summary>Leaves every dashboard (so each circuit is ended by the page's own disconnect, not kept for reconnection), then closes the tabs.</summary>
    public async Task CloseAllAsync()
    {
        foreach (var (page, _) in _pages)
        {
            await page.GotoAsync("about:blank");
            await page.Context.CloseAsync();
        }

        _pages.Clear();
        Circuits = 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    private static IEnumerable<IFrame> AppFrames(IPage page) => page.Frames.Count == 1 ? [page.MainFrame] : page.Frames.Where(f => f != page.MainFrame);

    [GeneratedRegex("/lib/apexcharts/")]
    private static partial Regex ApexChartsBundle();
}
