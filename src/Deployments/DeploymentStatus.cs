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
