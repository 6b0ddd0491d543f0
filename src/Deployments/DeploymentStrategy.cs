namespace ModelRegistry.Dashboard.Deployments;

/// <summary>How a deployment moves traffic (glossary: <em>Deployment</em>): all at once, flipped after a health check, or in steps.</summary>
public enum DeploymentStrategy
{
    Direct,
    BlueGreen,
    Canary,
}
