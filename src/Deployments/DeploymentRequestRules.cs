using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Deployments.Verdicts;
using ModelRegistry.Dashboard.Registry;

namespace ModelRegistry.Dashboard.Deployments;

/// <summary>The shape rules of a deployment request (DESIGN.md §5), before any look at the database.</summary>
public static class DeploymentRequestRules
{
    public static IReadOnlyList<int> DefaultCanarySteps { get; } = [10, 50, 100];

    public const int DefaultStepSeconds = 60;

    /// <summary>Every field of <paramref name="request"/> checked at once; throws <see cref="ValidationFailedException"/> naming each bad one.</summary>
    public static ValidDeployment Validate(CreateDeploymentRequest request)
    {
        var errors = new ValidationErrors();
        if (RegistryRules.ModelNameProblem(request.Model) is { } modelProblem)
        {
            errors.Add("model", modelProblem.Replace("'name'", "'model'", StringComparison.Ordinal));
        }

        if (!SemanticVersion.TryParse(request.Version, out _, out var versionProblem))
        {
            errors.Add("version", versionProblem!);
        }

        if (string.IsNullOrWhiteSpace(request.Environment))
        {
            errors.Add("environment", "'environment' is required, e.g. staging.");
        }

        var strategy = EnumText.Parse<DeploymentStrategy>(request.Strategy);
        if (strategy is null)
        {
            errors.Add("strategy", "'strategy' must be direct, blueGreen or canary.");
        }

        var steps = request.Canary?.Steps?.ToList() ?? [.. DefaultCanarySteps];
        var stepSeconds = request.Canary?.StepSeconds ?? DefaultStepSeconds;
        if (request.Canary is not null && strategy is not DeploymentStrategy.Canary)
        {
            errors.Add("canary", "'canary' applies only to the canary strategy.");
        }

        if (steps.Count is < 1 or > 10 || steps.Any(s => s is < 1 or > 100) || steps[^1] != 100 || steps.Zip(steps.Skip(1)).Any(p => p.First >= p.Second))
        {
            errors.Add("canary.steps", "'canary.steps' must be 1 to 10 rising percentages from 1 to 100 that end at 100, e.g. [10, 50, 100].");
        }

        if (stepSeconds is < 1 or > 86_400)
        {
            errors.Add("canary.stepSeconds", "'canary.stepSeconds' must be from 1 to 86400.");
        }

        var guard = request.Guard ?? GuardRules.Default;
        guard.AddErrorsTo(errors);
        errors.MaxLength("reason", request.Reason, AuditLog.MaxReasonLength);
        errors.ThrowIfAny();
        return new ValidDeployment(strategy!.Value, strategy == DeploymentStrategy.Canary ? steps : [100], stepSeconds, guard);
    }
}

/// <summary>A request that passed <see cref="DeploymentRequestRules.Validate"/>: canary steps, or [100] for the one-write strategies.</summary>
public sealed record ValidDeployment(DeploymentStrategy Strategy, List<int> Steps, int StepSeconds, GuardRules Guard);
