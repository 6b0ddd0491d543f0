using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ModelRegistry.Dashboard.Gateway;

/// <summary>
/// What the gateway needs from an OpenAI-shaped JSON body — the registered <c>model</c>, whether it streams, the
/// <c>user</c> for stickiness — read with one pass of a <see cref="Utf8JsonReader"/> over the top-level properties; the
/// body is rewritten only when the version's server expects another model id.
/// </summary>
internal sealed record GatewayRequest(string? Model, bool Stream, string? User)
{
    /// <summary>Reads the top-level <c>model</c>, <c>stream</c> and <c>user</c>; throws <see cref="JsonException"/> on bad JSON.</summary>
    public static GatewayRequest Parse(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("The request body must be a JSON object.");
        }

        string? model = null, user = null;
        var stream = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                model = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else if (reader.ValueTextEquals("stream"u8))
            {
                reader.Read();
                stream = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.ValueTextEquals("user"u8))
            {
                reader.Read();
                user = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            throw new JsonException("The request body is not one complete JSON object.");
        }

        return new GatewayRequest(model, stream, user);
    }

    /// <summary>The body with <c>model</c> replaced by <paramref name="upstreamModel"/>.</summary>
    public static byte[] WithModel(ReadOnlySpan<byte> body, string upstreamModel)
    {
        var node = JsonNode.Parse(body)!.AsObject();
        node["model"] = upstreamModel;
        var buffer = new ArrayBufferWriter<byte>(body.Length + 64);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            node.WriteTo(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }
}
