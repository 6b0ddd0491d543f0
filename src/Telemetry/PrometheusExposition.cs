using System.Globalization;
using System.Text;

namespace ModelRegistry.Dashboard.Telemetry;

/// <summary>
/// The per-version figures in the Prometheus text exposition format (version 0.0.4): counters since the process
/// started, and gauges over the last <see cref="WindowSeconds"/> seconds.
/// </summary>
public sealed class PrometheusExposition(MetricsStore store)
{
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    public const int WindowSeconds = 60;

    private static readonly double[] Quantiles = [0.5, 0.95, 0.99];

    public string Render()
    {
        var series = store.KnownSeries
            .OrderBy(s => s.Environment, StringComparer.Ordinal)
            .ThenBy(s => s.Model, StringComparer.Ordinal)
            .ThenBy(s => s.Version, StringComparer.Ordinal)
            .Select(s => new SeriesFigures(Labels(s), store.Totals(s), store.Summarize(s, TimeSpan.FromSeconds(WindowSeconds))))
            .ToList();

        var text = new StringBuilder(256 + (series.Count * 1024));
        Family(text, "modelregistry_requests_total", "counter", "Inference requests recorded per version since the process started.", series, s => Number(s.Totals.Requests));
        Family(text, "modelregistry_request_errors_total", "counter", "Failed inference requests per version since the process started.", series, s => Number(s.Totals.Errors));
        Family(text, "modelregistry_rate_limited_total", "counter", "Requests the upstream refused for quota (429) per version since the process started; not counted as errors.", series, s => Number(s.Totals.RateLimited));
        Family(text, "modelregistry_client_errors_total", "counter", "Requests refused as the caller's fault (4xx) per version since the process started; not counted as errors.", series, s => Number(s.Totals.ClientErrors));
        Family(text, "modelregistry_input_tokens_total", "counter", "Input tokens per version since the process started.", series, s => Number(s.Totals.InputTokens));
        Family(text, "modelregistry_output_tokens_total", "counter", "Output tokens per version since the process started.", series, s => Number(s.Totals.OutputTokens));
        Family(text, "modelregistry_streamed_requests_total", "counter", "Answered requests whose time to first token was measured (streams) per version since the process started.", series, s => Number(s.Totals.FirstToken.Count));
        Family(text, "modelregistry_time_to_first_token_seconds_total", "counter", "Sum of the measured times to first token per version since the process started (divide by modelregistry_streamed_requests_total for the average).", series, s => Number(s.Totals.FirstToken.SumMicros / 1_000_000.0));
        Family(text, "modelregistry_requests_per_second", "gauge", $"Requests per second over the last {WindowSeconds} s.", series, s => Number(s.Window.Requests / (double)WindowSeconds));
        Family(text, "modelregistry_request_error_ratio", "gauge", $"Failed share of requests over the last {WindowSeconds} s (0 without requests).", series, s => Number(s.Window.ErrorRate));
        Family(text, "modelregistry_request_latency_average_seconds", "gauge", $"Average request latency over the last {WindowSeconds} s.", series, s => Number(s.Window.AvgLatencyMs / 1000));
        Family(text, "modelregistry_time_to_first_token_average_seconds", "gauge", $"Average time to first token of streamed requests over the last {WindowSeconds} s (0 without streams).", series, s => Number(s.Window.AvgTimeToFirstTokenMs / 1000));

        text.Append("# HELP modelregistry_request_latency_seconds Request latency percentiles over the last ")
            .Append(WindowSeconds).Append(" s (HdrHistogram, within 1% of the exact value).\n")
            .Append("# TYPE modelregistry_request_latency_seconds gauge\n");
        foreach (var s in series)
        {
            foreach (var quantile in Quantiles)
            {
                var ms = quantile switch { 0.5 => s.Window.P50LatencyMs, 0.95 => s.Window.P95LatencyMs, _ => s.Window.P99LatencyMs };
                text.Append("modelregistry_request_latency_seconds{").Append(s.Labels)
                    .Append(",quantile=\"").Append(Number(quantile)).Append("\"} ").Append(Number(ms / 1000)).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>Escapes a label value: backslash, double quote and line feed (exposition format 0.0.4).</summary>
    public static string EscapeLabelValue(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("\"", "\\\"", StringComparison.Ordinal)
            .Replace("\n", "\\n", StringComparison.Ordinal);

    private static string Labels(SeriesKey s) =>
        $"environment=\"{EscapeLabelValue(s.Environment)}\",model=\"{EscapeLabelValue(s.Model)}\",version=\"{EscapeLabelValue(s.Version)}\"";

    private static void Family(StringBuilder text, string name, string type, string help, List<SeriesFigures> series, Func<SeriesFigures, string> value)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
        foreach (var s in series)
        {
            text.Append(name).Append('{').Append(s.Labels).Append("} ").Append(value(s)).Append('\n');
        }
    }

    private readonly record struct SeriesFigures(string Labels, MetricTotals Totals, MetricsSummary Window);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Number(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : value.ToString("R", CultureInfo.InvariantCulture);
}
