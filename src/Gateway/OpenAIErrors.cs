using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace ModelRegistry.Dashboard.Gateway;

/// <summary>
/// The gateway's own refusals in the shape OpenAI clients parse: <c>{"error": {"message", "type", "param", "code"}}</c>
/// (the SDKs read <c>message</c> and <c>code</c>; a problem+json body would surface as an unreadable error).
/// </summary>
internal static class OpenAIErrors
{
    public static Task WriteAsync(HttpContext context, int status, string message, string type, string code, string? param = null)
    {
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ErrorBody(new ErrorDetail(message, type, param, code)), GatewayJson.Default.ErrorBody, cancellationToken: context.RequestAborted);
    }

    internal sealed record ErrorBody([property: JsonPropertyName("error")] ErrorDetail Error);

    internal sealed record ErrorDetail(
        [property: JsonPropertyName("message")] string Message,
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("param")] string? Param,
        [property: JsonPropertyName("code")] string Code);
}

[JsonSerializable(typeof(OpenAIErrors.ErrorBody))]
internal sealed partial class GatewayJson : JsonSerializerContext;
