namespace ModelRegistry.Dashboard.Deployments;

/// <summary>Where a deployment is in its state machine; the moves between them are <see cref="Deployment"/>'s methods.</summary>
public enum DeploymentStatus
{
    Pending,
    HealthChecking,
    Progressing,
    Paused,
    Succeeded,
    RolledBack,
    Failed,
    Aborted,
}

public static class DeploymentStatuses
{
    /// <summary>Still in flight: it holds its route and can be paused, promoted or rolled back.</summary>
    public static bool IsActive(this DeploymentStatus status) =>
        status is DeploymentStatus.Pending or DeploymentStatus.HealthChecking or DeploymentStatus.Progressing or DeploymentStatus.Paused;
}
