using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ModelRegistry.Dashboard.Core;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Routing;

namespace ModelRegistry.Dashboard.Demo;

/// <summary>
/// Seeds the demo catalogue once (when the database has no models), through the same engine services an operator
/// uses, so the demo data is validated, audited and has a version timeline like any other.
/// </summary>
internal sealed class DemoCatalogSeeder(
    IOptions<DemoOptions> options,
    IDbContextFactory<RegistryDbContext> dbFactory,
    ModelService models,
    VersionService versions,
    RouteService routes) : IDatabaseSeeder
{
    private static readonly Actor Platform = new("platform-team", ActorRole.Admin);
    private static readonly Actor Ci = new("ci-pipeline", ActorRole.Automation);
    private static readonly Actor Operator = new("maria.chen", ActorRole.Operator);

    public async Task SeedAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            if (await db.Models.AnyAsync(cancellationToken))
            {
                return;
            }
        }

        foreach (var model in Catalogue)
        {
            await models.RegisterAsync(Platform, model.Registration, cancellationToken);
            foreach (var (number, changelog, provider, contextWindow, inPrice, outPrice) in model.Versions)
            {
                await versions.RegisterAsync(Ci, model.Registration.Name!, new RegisterVersionRequest(
                    number,
                    $"{options.Value.BackendBaseUrl.TrimEnd('/')}/{model.Registration.Name}/{number}/",
                    Changelog: changelog,
                    Metadata: new VersionMetadata(provider, contextWindow, inPrice, outPrice)), cancellationToken);
            }

            foreach (var (environment, splits) in model.Routes)
            {
                await routes.SetSplitsAsync(Operator, environment, model.Registration.Name!, splits, expectedRevision: 0,
                    reason: "Initial rollout (demo data)", cancellationToken);
            }
        }
    }

    private sealed record DemoModel(
        RegisterModelRequest Registration,
        (string Number, string Changelog, string Provider, int ContextWindow, decimal InPrice, decimal OutPrice)[] Versions,
        (string Environment, SplitInfo[] Splits)[] Routes);

    private static readonly DemoModel[] Catalogue =
    [
        new(new("support-chat", "Support Chat", "Answers customer questions in the help centre and the in-app chat.", "customer-care", ["chat", "customer-facing", "gpt"]),
            [
                ("1.0.0", "First release: help-centre answers with citations.", "openai", 128_000, 0.0005m, 0.0015m),
                ("1.1.0", "Adds order-status lookups via tools.", "openai", 128_000, 0.0005m, 0.0015m),
                ("1.2.0", "Shorter answers; 18% fewer output tokens on the eval set.", "openai", 128_000, 0.0005m, 0.0015m),
                ("2.0.0", "New response schema (structured citations). Breaking: clients must read `citations[]`.", "openai", 200_000, 0.0008m, 0.0024m),
            ],
            [
                ("staging", [new("1.2.0", 90), new("2.0.0", 10)]),
                ("production", [new("1.2.0", 100)]),
            ]),
        new(new("doc-summarizer", "Document Summarizer", "Summarises contracts and long PDFs for the legal team.", "legal-ai", ["summarization", "internal"]),
            [
                ("0.9.0", "Preview for the legal pilot.", "anthropic", 100_000, 0.0030m, 0.0150m),
                ("1.0.0", "General availability.", "anthropic", 200_000, 0.0030m, 0.0150m),
                ("1.0.1", "Fixes truncated tables in summaries.", "anthropic", 200_000, 0.0030m, 0.0150m),
                ("1.1.0-rc.1", "Release candidate: clause-level highlights.", "anthropic", 200_000, 0.0030m, 0.0150m),
            ],
            [
                ("staging", [new("1.1.0-rc.1", 100)]),
                ("production", [new("1.0.1", 100)]),
            ]),
        new(new("code-assist", "Code Assist", "Completes and reviews code in the internal IDE plug-in.", "developer-experience", ["code", "internal", "latency-sensitive"]),
            [
                ("1.0.0", "First release.", "self-hosted", 32_000, 0.0002m, 0.0006m),
                ("1.3.0", "Quantised weights: p95 latency down 40%.", "self-hosted", 32_000, 0.0001m, 0.0003m),
                ("2.0.0", "Fill-in-the-middle API. Breaking: request body changed.", "self-hosted", 64_000, 0.0002m, 0.0006m),
            ],
            [
                ("staging", [new("2.0.0", 100)]),
                ("production", [new("1.3.0", 100)]),
            ]),
        new(new("embed-search", "Embedding Search", "Embeds catalogue items and queries for semantic search.", "search", ["embeddings", "customer-facing"]),
            [
                ("3.1.0", "Multilingual embeddings.", "self-hosted", 8_000, 0.00002m, 0m),
                ("3.2.0", "Matryoshka dimensions: 256-d vectors at 97% recall.", "self-hosted", 8_000, 0.00002m, 0m),
            ],
            [
                ("staging", [new("3.2.0", 100)]),
                ("production", [new("3.1.0", 50), new("3.2.0", 50)]),
            ]),
    ];
}
