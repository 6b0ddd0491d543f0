using Microsoft.AspNetCore.Components.Authorization;
using ModelRegistry.Dashboard.Core;

namespace ModelRegistry.Dashboard.Hosting;

/// <summary>The actor of this circuit, for components to pass to engine services.</summary>
public sealed class CurrentActor(AuthenticationStateProvider authentication)
{
    public async Task<Actor> GetAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return state.User.ToActor();
    }

    /// <summary>A person signed in with a password (who can sign out and change it), not a key or the anonymous actor.</summary>
    public async Task<bool> IsSignedInPersonAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return state.User.IsSignedInPerson();
    }
}
