using Microsoft.EntityFrameworkCore;

namespace ModelRegistry.Dashboard.Persistence;

/// <summary>Hands out the configured provider's context as the provider-neutral <see cref="RegistryDbContext"/>.</summary>
internal sealed class RegistryDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<RegistryDbContext>
    where TContext : RegistryDbContext
{
    public RegistryDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<RegistryDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await inner.CreateDbContextAsync(cancellationToken);
}
