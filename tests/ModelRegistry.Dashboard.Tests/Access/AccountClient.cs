using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using ModelRegistry.Dashboard.Tests.Infrastructure;

namespace ModelRegistry.Dashboard.Tests.Access;

/// <summary>
/// A browser's view of the account pages: a client that keeps cookies and does not follow redirects, and fills the
/// server-rendered forms with their antiforgery token as a browser would.
/// </summary>
public sealed partial class AccountClient(HttpClient http) : IDisposable
{
    public AccountClient(DashboardFactory app)
        : this(app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true }))
    {
    }

    /// <summary>Keeps cookies and does not follow redirects; relative addresses are the app's.</summary>
    public HttpClient Http { get; } = http;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Posts the sign-in form; the answer is the redirect (to the return URL, or back to the form with an error).</summary>
    public Task<HttpResponseMessage> SignInAsync(string email, string password, string returnUrl = "/") =>
        PostFormAsync("/account/login", "/account/signin", new() { ["email"] = email, ["password"] = password, ["returnUrl"] = returnUrl });

    public async Task SignInOrFailAsync(string email, string password)
    {
        using var response = await SignInAsync(email, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    /// <summary>GETs <paramref name="page"/>, takes its form's antiforgery token, and posts <paramref name="fields"/> to <paramref name="action"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string page, string action, Dictionary<string, string> fields)
    {
        var html = await Http.GetStringAsync(page, Ct);
        var token = AntiforgeryToken().Match(html);
        Assert.True(token.Success, $"{page} has no antiforgery token:\n{html}");
        fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value);
        using var form = new FormUrlEncodedContent(fields);
        return await Http.PostAsync(action, form, Ct);
    }

    public void Dispose() => Http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
