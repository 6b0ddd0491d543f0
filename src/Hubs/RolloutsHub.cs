using Microsoft.AspNetCore.SignalR;
using ModelRegistry.Dashboard.Registry;

namespace ModelRegistry.Dashboard.Hubs;

/// <summary>
/// <c>/hubs/rollouts</c>, for clients that are not this dashboard (the dashboard itself follows the in-process notifier).
/// Every client receives <c>RouteChanged</c>, <c>DeploymentChanged</c> and <c>AlertChanged</c>; a client that subscribes to an (environment, model)
/// also receives <c>MetricsTick</c> for it once a second.
/// </summary>
public sealed class RolloutsHub : Hub
{
    public const string Path = "/hubs/rollouts";

    public Task Subscribe(string environment, string model) =>
        Groups.AddToGroupAsync(Context.ConnectionId, MetricsGroup(environment, model));

    public Task Unsubscribe(string environment, string model) =>
        Groups.RemoveFromGroupAsync(Context.ConnectionId, MetricsGroup(environment, model));

    internal static string MetricsGroup(string environment, string model)
    {
        if (string.IsNullOrWhiteSpace(environment) || RegistryRules.ModelNameProblem(model) is not null)
        {
            throw new HubException("Subscribe needs an environment name and a model name (a slug such as support-chat).");
        }

        return $"metrics:{environment}/{model}";
    }
}

/// <summary>What the hub sends for a change: the same small shape the in-process notifier carries.</summary>
public sealed record HubChange(string Kind, string? Model, string? Version, string? Environment, string? Detail);
