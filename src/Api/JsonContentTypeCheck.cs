using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ModelRegistry.Dashboard.Hosting;

namespace ModelRegistry.Dashboard.Api;

/// <summary>
/// A POST, PUT or PATCH to the API must say it sends JSON (issue 12). A browser sends a cross-site form or a
/// <c>text/plain</c> or body-less "simple" request without asking the server first (no CORS preflight), cookies and all;
/// one with <c>Content-Type: application/json</c> it may not send cross-site without the app's consent. So anything else
/// gets 415 before an endpoint runs — including the endpoints that take no body and the event ingest, which reads its
/// body by hand.
/// </summary>
internal static class JsonContentTypeCheck
{
    public static IApplicationBuilder UseJsonContentTypeCheck(this IApplicationBuilder app, PathString api) =>
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(api)
                && (HttpMethods.IsPost(context.Request.Method) || HttpMethods.IsPut(context.Request.Method) || HttpMethods.IsPatch(context.Request.Method))
                && !context.Request.HasJsonContentType(),
            refused => refused.Run(async context =>
            {
                var sent = context.Request.ContentType is { Length: > 0 } type ? $"'{type}'" : "no Content-Type";
                var message = $"The API reads JSON only: send Content-Type: application/json (even with an empty body); got {sent}.";
                await context.WriteProblemAsync(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", message,
                    new Dictionary<string, string[]> { ["Content-Type"] = [message] });
            }));
}
