using Microsoft.AspNetCore.Builder;
using ModelRegistry.Dashboard.Core;

namespace ModelRegistry.Dashboard.Api;

/// <summary>
/// The least role an endpoint serves, as endpoint metadata: the engine enforces it (every service demands its role),
/// the OpenAPI description and the authorization matrix test read it. An API endpoint without it (or without
/// <c>AllowAnonymous</c>) fails that test.
/// </summary>
public sealed record MinimumRole(ActorRole Role);

public static class EndpointAccess
{
    public static TBuilder RequiresRole<TBuilder>(this TBuilder builder, ActorRole role)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new MinimumRole(role));
}
