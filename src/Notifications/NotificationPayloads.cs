using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelRegistry.Dashboard.Notifications;

/// <summary>The bodies a channel receives, and the signature of a webhook body.</summary>
public static class NotificationPayloads
{
    public const string EventIdHeader = "X-Event-Id";
    public const string EventTypeHeader = "X-Event-Type";
    public const string SignatureHeader = "X-Signature-256";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary><c>{id, type, occurredAt, data}</c>, <c>data</c> with a <c>link</c> to the page the event is about.</summary>
    public static byte[] Webhook(OutboxEvent evt, string? baseUrl)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var data = JsonNode.Parse(evt.Data) ?? new JsonObject();
        if (data is JsonObject obj && Link(evt, data, baseUrl) is { } link)
        {
            obj["link"] = link;
        }

        return JsonSerializer.SerializeToUtf8Bytes(new { id = evt.EventId, type = evt.Type, occurredAt = evt.OccurredAt, data }, Json);
    }

    /// <summary>A Slack incoming-webhook message: <c>text</c> (the fallback) and blocks with the same facts and the link.</summary>
    public static byte[] Slack(OutboxEvent evt, string? baseUrl)
    {
        ArgumentNullException.ThrowIfNull(evt);
        var data = JsonNode.Parse(evt.Data) as JsonObject ?? [];
        var summary = Summary(evt, data);
        var facts = data
            .Where(p => p.Value is JsonValue && p.Key is not "summary")
            .Select(p => $"*{p.Key}*: {p.Value}")
            .ToList();
        var blocks = new List<object>
        {
            new { type = "header", text = new { type = "plain_text", text = Truncate($"{Icon(evt.Type)} {evt.Type}", 150) } },
            new { type = "section", text = new { type = "mrkdwn", text = Truncate(summary, 3000) } },
        };
        if (facts.Count > 0)
        {
            blocks.Add(new { type = "section", fields = facts.Take(10).Select(f => new { type = "mrkdwn", text = Truncate(f, 2000) }).ToArray() });
        }

        if (Link(evt, data, baseUrl) is { } link)
        {
            blocks.Add(new { type = "context", elements = new[] { new { type = "mrkdwn", text = $"<{link}|Open in Model Registry> · event {evt.EventId}" } } });
        }

        return JsonSerializer.SerializeToUtf8Bytes(new { text = $"{evt.Type}: {summary}", blocks }, Json);
    }

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of the raw body under the channel's secret.</summary>
    public static string Signature(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)).ToLowerInvariant();

    private static string Summary(OutboxEvent evt, JsonObject data) =>
        data["summary"]?.GetValue<string>() ?? $"{evt.Type} for {evt.EnvironmentName}/{evt.ModelName}";

    private static string? Link(OutboxEvent evt, JsonNode data, string? baseUrl)
    {
        var path = data["deploymentId"] is { } id
            ? $"/deployments/{id}"
            : evt.ModelName is { } model
                ? $"/models/{Uri.EscapeDataString(model)}/metrics{(evt.EnvironmentName is { } env ? $"?environment={Uri.EscapeDataString(env)}" : "")}"
                : null;
        return path is null ? null : (baseUrl?.TrimEnd('/') ?? "") + path;
    }

    private static string Icon(string type) => type switch
    {
        NotificationEvents.DeploymentRolledBack or NotificationEvents.DeploymentFailed or NotificationEvents.AlertFired => "🔴",
        NotificationEvents.DeploymentSucceeded or NotificationEvents.AlertResolved => "🟢",
        _ => "🔵",
    };

    private static string Truncate(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");
}
