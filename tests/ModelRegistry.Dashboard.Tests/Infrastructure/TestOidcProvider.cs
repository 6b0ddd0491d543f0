using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace ModelRegistry.Dashboard.Tests.Infrastructure;

/// <summary>
/// A real OpenID Connect provider for the single sign-on tests: OpenIddict's server on its own Kestrel port
/// (authorization code flow with PKCE, a confidential client, stores in an in-memory SQLite database). Its sign-in page
/// is a one-field form: the e-mail of one of <see cref="SetUser"/>'s people, whose <c>groups</c> claim goes into the ID
/// token. Over plain http on <c>localhost</c>, like the app under test.
/// </summary>
public sealed class TestOidcProvider : IAsyncDisposable
{
    public const string ClientId = "model-registry";
    public const string ClientSecret = "a secret only the tests know";

    private readonly WebApplication _app;
    private readonly SqliteConnection _database;
    private readonly ConcurrentDictionary<string, string[]> _people = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, bool> _unverified = new(StringComparer.OrdinalIgnoreCase);

    private TestOidcProvider(WebApplication app, SqliteConnection database)
    {
        _app = app;
        _database = database;
    }

    /// <summary>e.g. <c>http://localhost:41234</c>: the issuer, as <c>Auth:Oidc:Authority</c>.</summary>
    public string Authority { get; private set; } = "";

    public static async Task<TestOidcProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.IPv6Any, 0));
        var database = new SqliteConnection("Data Source=:memory:");
        builder.Services.AddDbContext<ProviderDb>(o => o.UseSqlite(database).UseOpenIddict());
        builder.Services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<ProviderDb>())
            .AddServer(o =>
            {
                o.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
                o.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                o.RegisterScopes(Scopes.OpenId, Scopes.Email, Scopes.Profile);
                o.AddEphemeralEncryptionKey().AddEphemeralSigningKey().DisableAccessTokenEncryption();
                o.UseAspNetCore().EnableAuthorizationEndpointPassthrough().EnableTokenEndpointPassthrough().DisableTransportSecurityRequirement();
            });

        var app = builder.Build();
        var provider = new TestOidcProvider(app, database);
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], (HttpContext http) => provider.Authorize(http));
        app.MapPost("/connect/token", (Delegate)TokenAsync);

        await database.OpenAsync();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ProviderDb>().Database.EnsureCreatedAsync();
        }

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        provider.Authority = "http://localhost:" + new Uri(address.Replace("[::]", "localhost", StringComparison.Ordinal)).Port;
        return provider;
    }

    /// <summary>Someone who can sign in here, with these groups (replacing any they had).</summary>
    public void SetUser(string email, params string[] groups) => _people[email] = groups;

    /// <summary>Someone whose e-mail this provider has not verified (<c>email_verified</c> false).</summary>
    public void SetUnverifiedUser(string email, params string[] groups)
    {
        SetUser(email, groups);
        _unverified[email] = true;
    }

    /// <summary>Registers the app (its callback, <c>{appBaseUrl}/signin-oidc</c>) as this provider's client.</summary>
    public async Task RegisterClientAsync(string appBaseUrl)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        await applications.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = ClientId,
            ClientSecret = ClientSecret,
            ClientType = ClientTypes.Confidential,
            RedirectUris = { new Uri($"{appBaseUrl.TrimEnd('/')}/signin-oidc") },
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Email,
                Permissions.Scopes.Profile,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        });
    }

    /// <summary>
    /// Without <c>test_user</c>, the sign-in page: the request's own parameters and an e-mail field. With it, that person
    /// is signed in (no consent step) and OpenIddict answers the client with a code.
    /// </summary>
    private IResult Authorize(HttpContext http)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var login = http.Request.HasFormContentType ? http.Request.Form["test_user"].ToString() : http.Request.Query["test_user"].ToString();
        if (string.IsNullOrEmpty(login) || !_people.TryGetValue(login, out var groups))
        {
            return Results.Content(SignInPage(http, login), "text/html; charset=utf-8");
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, "sub-" + login.ToLowerInvariant())
            .SetClaim(Claims.Email, login)
            .SetClaim(Claims.Name, login)
            .SetClaims("groups", [.. groups]);
        identity.AddClaim(new Claim(Claims.EmailVerified, _unverified.ContainsKey(login) ? "false" : "true", ClaimValueTypes.Boolean));
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(_ => [Destinations.AccessToken, Destinations.IdentityToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> TokenAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var principal = result.Principal ?? throw new InvalidOperationException("The authorization code did not validate.");
        principal.SetDestinations(_ => [Destinations.AccessToken, Destinations.IdentityToken]);
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static string SignInPage(HttpContext http, string login)
    {
        var html = new StringBuilder("<!doctype html><html><head><title>Test provider</title></head><body><h1>Test provider</h1>");
        if (login.Length > 0)
        {
            html.Append("<p data-testid=\"provider-error\">No such person.</p>");
        }

        html.Append("<form method=\"get\" action=\"/connect/authorize\">");
        foreach (var (key, value) in http.Request.Query.Where(q => q.Key != "test_user"))
        {
            html.Append(CultureInfo.InvariantCulture, $"<input type=\"hidden\" name=\"{WebUtility.HtmlEncode(key)}\" value=\"{WebUtility.HtmlEncode(value.ToString())}\" />");
        }

        html.Append("<label>E-mail <input name=\"test_user\" data-testid=\"provider-email\" /></label>")
            .Append("<button type=\"submit\" data-testid=\"provider-submit\">Sign in</button></form></body></html>");
        return html.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _database.DisposeAsync();
    }

    private sealed class ProviderDb(DbContextOptions<ProviderDb> options) : DbContext(options);
}
