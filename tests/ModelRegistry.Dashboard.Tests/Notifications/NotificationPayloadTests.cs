using System.Text;
using System.Text.Json;
using ModelRegistry.Dashboard.Alerts;
using ModelRegistry.Dashboard.Notifications;

namespace ModelRegistry.Dashboard.Tests.Notifications;

/// <summary>
/// The bodies receivers get: the webhook envelope, Slack's incoming-webhook shape (a non-empty <c>text</c> fallback;
/// blocks of the documented types within Slack's limits), and the signature receivers verify.
/// </summary>
public sealed class NotificationPayloadTests
{
    private static readonly string[] BlockTypes = ["header", "section", "context"];

    private static OutboxEvent RolledBack() => new()
    {
        EventId = "0123456789abcdef0123456789abcdef",
        Type = NotificationEvents.DeploymentRolledBack,
        OccurredAt = new DateTime(2026, 12, 5, 3, 0, 0, DateTimeKind.Utc),
        ModelName = "support-chat",
        EnvironmentName = "production",
        Data = JsonSerializer.Serialize(new
        {
            summary = "Rolled back: verdict 2 failed: Fail: Error rate 24% vs the baseline's 1.2%.",
            deploymentId = 42,
            model = "support-chat",
            version = "2.0.0",
            environment = "production",
            rollbackCause = "verdict 2 failed",
        }),
    };

    [Fact]
    public void The_slack_message_has_a_text_fallback_and_only_documented_block_shapes_within_their_limits()
    {
        using var message = JsonDocument.Parse(NotificationPayloads.Slack(RolledBack(), "https://registry.example.com"));
        var root = message.RootElement;

        Assert.Contains("Rolled back", root.GetProperty("text").GetString(), StringComparison.Ordinal);
        var blocks = root.GetProperty("blocks").EnumerateArray().ToList();
        Assert.InRange(blocks.Count, 1, 50);
        foreach (var block in blocks)
        {
            var type = block.GetProperty("type").GetString();
            Assert.Contains(type, BlockTypes);
            if (type == "header")
            {
                Assert.Equal("plain_text", block.GetProperty("text").GetProperty("type").GetString());
                Assert.InRange(block.GetProperty("text").GetProperty("text").GetString()!.Length, 1, 150);
            }
            else if (type == "section")
            {
                var hasText = block.TryGetProperty("text", out var text);
                var hasFields = block.TryGetProperty("fields", out var fields);
                Assert.True(hasText || hasFields);
                if (hasText)
                {
                    Assert.Equal("mrkdwn", text.GetProperty("type").GetString());
                    Assert.InRange(text.GetProperty("text").GetString()!.Length, 1, 3000);
                }

                if (hasFields)
                {
                    Assert.InRange(fields.GetArrayLength(), 1, 10);
                    Assert.All(fields.EnumerateArray(), f => Assert.InRange(f.GetProperty("text").GetString()!.Length, 1, 2000));
                }
            }
            else
            {
                Assert.All(block.GetProperty("elements").EnumerateArray(), e => Assert.Equal("mrkdwn", e.GetProperty("type").GetString()));
            }
        }

        var context = blocks.Single(b => b.GetProperty("type").GetString() == "context");
        Assert.Contains("<https://registry.example.com/deployments/42|Open in Model Registry>",
            context.GetProperty("elements")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_webhook_envelope_carries_id_type_time_and_the_data_with_a_link()
    {
        using var body = JsonDocument.Parse(NotificationPayloads.Webhook(RolledBack(), "https://registry.example.com/"));
        var root = body.RootElement;

        Assert.Equal("0123456789abcdef0123456789abcdef", root.GetProperty("id").GetString());
        Assert.Equal("deployment.rolled-back", root.GetProperty("type").GetString());
        Assert.Equal(new DateTime(2026, 12, 5, 3, 0, 0, DateTimeKind.Utc), root.GetProperty("occurredAt").GetDateTime());
        Assert.Equal("https://registry.example.com/deployments/42", root.GetProperty("data").GetProperty("link").GetString());
    }

    [Fact]
    public void The_signature_is_the_hex_hmac_sha256_of_the_raw_body_as_openssl_computes_it()
    {
        // printf '%s' '{"id":"1"}' | openssl dgst -sha256 -hmac 'It'"'"'s a secret to everybody'
        var signature = NotificationPayloads.Signature("It's a secret to everybody", Encoding.UTF8.GetBytes("{\"id\":\"1\"}"));

        Assert.Equal("sha256=" + Convert.ToHexString(System.Security.Cryptography.HMACSHA256.HashData(
            Encoding.UTF8.GetBytes("It's a secret to everybody"), Encoding.UTF8.GetBytes("{\"id\":\"1\"}"))).ToLowerInvariant(), signature);
        Assert.Matches("^sha256=[0-9a-f]{64}$", signature);
    }

    [Fact]
    public void An_alert_channel_with_a_minimum_severity_skips_lesser_alerts_but_not_deployment_events()
    {
        var channel = new NotificationChannel { Name = "critical-only", Url = "https://example.com", CreatedBy = "t", UpdatedBy = "t", MinSeverity = AlertSeverity.Critical };
        var warning = new OutboxEvent { EventId = "1", Type = NotificationEvents.AlertFired, Data = "{}", Severity = AlertSeverity.Warning };
        var critical = new OutboxEvent { EventId = "2", Type = NotificationEvents.AlertFired, Data = "{}", Severity = AlertSeverity.Critical };

        Assert.False(NotificationDispatcher.Matches(channel, warning));
        Assert.True(NotificationDispatcher.Matches(channel, critical));
        Assert.True(NotificationDispatcher.Matches(channel, RolledBack()));
    }
}
