using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ModelRegistry.Dashboard.Registry;

/// <summary>
/// <c>Registry:EndpointAllowList</c>: hosts (names or IP addresses) that version endpoints may name although they are
/// loopback, link-local or cloud metadata addresses — e.g. a model server on the same machine, or the demo's backends.
/// </summary>
public sealed class EndpointGuardOptions : IValidatableObject
{
    public const string Section = "Registry";

    public List<string> EndpointAllowList { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < EndpointAllowList.Count; i++)
        {
            var host = EndpointAllowList[i];
            if (string.IsNullOrWhiteSpace(host) || Uri.CheckHostName(host.Trim().Trim('[', ']')) == UriHostNameType.Unknown)
            {
                yield return new ValidationResult(
                    $"Registry:EndpointAllowList:{i} must be a host name or an IP address such as 'localhost' or '127.0.0.1', without scheme, port or path (got '{host}').",
                    [$"Registry:EndpointAllowList:{i}"]);
            }
        }
    }
}

/// <summary>
/// Keeps outgoing connections away from this machine and its cloud's metadata service (SSRF): outside Development a
/// registered version endpoint, a health probe, the gateway and a notification channel may not reach a loopback, link-local or cloud metadata address
/// unless <c>Registry:EndpointAllowList</c> names the host. Literal addresses and well-known local names are refused at
/// registration; every host name is checked again on the addresses it resolves to when a connection is made
/// (<see cref="ConnectAsync"/>), so a name that later resolves somewhere forbidden is still refused.
/// </summary>
public sealed class EndpointGuard(IOptionsMonitor<EndpointGuardOptions> options, IHostEnvironment? environment = null)
{
    private static readonly IPAddress[] MetadataAddresses =
    [
        IPAddress.Parse("169.254.169.254"), // AWS, Azure, GCP, OpenStack…
        IPAddress.Parse("fd00:ec2::254"), // AWS over IPv6
        IPAddress.Parse("100.100.100.200"), // Alibaba Cloud
    ];

    private static readonly string[] MetadataNames = ["metadata.google.internal", "metadata.goog"];

    /// <summary>Outside Development only: the demo and local work dial this very machine.</summary>
    public bool Enforced { get; } = environment is not null && !environment.IsDevelopment();

    /// <summary>Why <paramref name="address"/> may not be dialled ("a loopback address"…), or null when it may.</summary>
    public static string? ForbiddenKind(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (MetadataAddresses.Contains(address))
        {
            return "a cloud metadata address";
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6Any))
        {
            return "a loopback address";
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var bytes = address.GetAddressBytes();
            return bytes[0] switch
            {
                0 => "a loopback address", // 0.0.0.0/8 reaches this host
                169 when bytes[1] == 254 => "a link-local address",
                _ => null,
            };
        }

        return address.IsIPv6LinkLocal ? "a link-local address" : null;
    }

    /// <summary>
    /// The problem with registering <paramref name="url"/> (an absolute http(s) URL) as <paramref name="field"/>, naming
    /// the field, or null: a literal forbidden address or a name that always means this machine or the metadata service.
    /// </summary>
    public string? RegistrationProblem(string url, string field = "endpoint")
    {
        if (!Enforced || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || IsAllowListed(uri.IdnHost))
        {
            return null;
        }

        var host = uri.IdnHost.TrimEnd('.');
        var kind = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? ForbiddenKind(literal) : ForbiddenNameKind(host);
        return kind is null ? null : $"'{field}' " + Refusal(uri.Host, kind);
    }

    /// <summary>
    /// A handler for clients that dial registered URLs: redirects are handed back, never followed (one could point
    /// anywhere, the metadata service included); no cookies, no proxy; outside Development every connection goes
    /// through <see cref="ConnectAsync"/>.
    /// </summary>
    public SocketsHttpHandler GuardedHandler() => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        ConnectCallback = Enforced ? (context, ct) => ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, ct) : null,
    };

    /// <summary>
    /// Resolves <paramref name="host"/> and connects to the first address that answers; throws
    /// <see cref="EndpointRefusedException"/> when enforced and the host is not allow-listed and any address it resolves
    /// to is forbidden (all are checked, so a name cannot smuggle one forbidden address among good ones).
    /// Meant as a <c>SocketsHttpHandler.ConnectCallback</c>.
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(string host, int port, CancellationToken cancellationToken)
    {
        var addresses = await ResolveAsync(host, cancellationToken);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>The addresses <paramref name="host"/> may be dialled at; throws when any is forbidden (see <see cref="ConnectAsync"/>).</summary>
    public async ValueTask<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        var bare = host.Trim('[', ']');
        var addresses = IPAddress.TryParse(bare, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(bare, cancellationToken);
        EnsureDialable(host, addresses);
        return addresses;
    }

    /// <summary>Throws <see cref="EndpointRefusedException"/> when <paramref name="host"/>, resolved to <paramref name="addresses"/>, may not be dialled.</summary>
    public void EnsureDialable(string host, IReadOnlyList<IPAddress> addresses)
    {
        if (!Enforced || IsAllowListed(host))
        {
            return;
        }

        var bare = host.Trim('[', ']').TrimEnd('.');
        if (!IPAddress.TryParse(bare, out _) && ForbiddenNameKind(bare) is { } nameKind)
        {
            throw new EndpointRefusedException(Refusal(host, nameKind));
        }

        foreach (var address in addresses)
        {
            if (ForbiddenKind(address) is { } kind && !IsAllowListed(address))
            {
                throw new EndpointRefusedException(Refusal(host, $"{kind} ({address})"));
            }
        }
    }

    private static string? ForbiddenNameKind(string host) =>
        MetadataNames.Contains(host, StringComparer.OrdinalIgnoreCase) ? "the cloud metadata service"
        : host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase) ? "a loopback address"
        : null;

    private static string Refusal(string host, string kind) =>
        $"host '{host}' is {kind}: outside Development version endpoints and notification channels may not reach loopback, link-local or cloud metadata addresses. "
        + "If this host is really meant, add it to Registry:EndpointAllowList.";

    private bool IsAllowListed(string host)
    {
        var bare = host.Trim('[', ']').TrimEnd('.');
        return options.CurrentValue.EndpointAllowList.Any(allowed =>
            string.Equals(allowed.Trim().Trim('[', ']'), bare, StringComparison.OrdinalIgnoreCase));
    }

    private bool IsAllowListed(IPAddress address)
    {
        var plain = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        return options.CurrentValue.EndpointAllowList.Any(allowed =>
            IPAddress.TryParse(allowed.Trim().Trim('[', ']'), out var listed) && (listed.IsIPv4MappedToIPv6 ? listed.MapToIPv4() : listed).Equals(plain));
    }
}

/// <summary>A connection the <see cref="EndpointGuard"/> refused; its message names the host, the address and the setting.</summary>
public sealed class EndpointRefusedException(string message) : IOException(message);

public static class EndpointGuardRegistration
{
    /// <summary>
    /// The guard and its options, once however many areas ask (registry, probes, gateway); bound to
    /// <paramref name="configuration"/> when one is given, and validated at start.
    /// </summary>
    public static IServiceCollection AddEndpointGuard(this IServiceCollection services, IConfiguration? configuration)
    {
        if (configuration is not null && !services.Any(d => d.ServiceType == typeof(EndpointGuardBinding)))
        {
            services.AddSingleton<EndpointGuardBinding>();
            services.AddOptions<EndpointGuardOptions>()
                .Bind(configuration.GetSection(EndpointGuardOptions.Section))
                .ValidateDataAnnotations()
                .ValidateOnStart();
        }

        services.AddOptions<EndpointGuardOptions>(); // unbound (an empty allow-list) for hosts without configuration
        services.TryAddSingleton<EndpointGuard>();
        return services;
    }

    /// <summary>Marks that the options are bound already, so a list is not bound (and appended) twice.</summary>
    private sealed class EndpointGuardBinding;
}
