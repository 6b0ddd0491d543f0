using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Hosting;

namespace ModelRegistry.Dashboard.Gateway;

/// <summary>
/// The headers every gateway answer carries, whatever the upstream sent: the security headers of an answer that is
/// never a page (<see cref="SecurityHeaders.SetForMachineAnswer"/>), and outside Development on HTTPS the app's own
/// <c>Strict-Transport-Security</c> from <see cref="HstsOptions"/> (what <c>UseHsts</c> does for the rest of the app,
/// which gateway requests skip). Set again after YARP copies the upstream's headers (it appends, so an upstream's own
/// <c>X-Frame-Options</c> or HSTS would otherwise be merged into ours) and after YARP clears a failed response.
/// </summary>
internal sealed class GatewayAnswerHeaders
{
    private readonly string? _hsts;
    private readonly IList<string> _excludedHosts;

    public GatewayAnswerHeaders(IOptions<HstsOptions> hsts, IHostEnvironment environment)
    {
        var options = hsts.Value;
        _excludedHosts = options.ExcludedHosts;
        _hsts = environment.IsDevelopment()
            ? null
            : $"max-age={(long)options.MaxAge.TotalSeconds}{(options.IncludeSubDomains ? "; includeSubDomains" : "")}{(options.Preload ? "; preload" : "")}";
    }

    public void Apply(HttpContext context)
    {
        var headers = context.Response.Headers;
        SecurityHeaders.SetForMachineAnswer(headers);
        if (_hsts is not null && context.Request.IsHttps && !IsExcluded(context.Request.Host.Host))
        {
            headers.StrictTransportSecurity = _hsts;
        }
        else
        {
            headers.Remove(Microsoft.Net.Http.Headers.HeaderNames.StrictTransportSecurity);
        }
    }

    private bool IsExcluded(string host)
    {
        foreach (var excluded in _excludedHosts)
        {
            if (string.Equals(host, excluded, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
