using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ModelRegistry.Dashboard.Persistence;

public static class PersistenceRegistration
{
    public const string ConnectionStringName = "Registry";

    /// <summary>
    /// Registers <see cref="IDbContextFactory{RegistryDbContext}"/> for the configured provider and the start-up
    /// migration. SQLite defaults to <c>data/registry.db</c> under the content root.
    /// </summary>
    public static IHostApplicationBuilder AddRegistryPersistence(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRegistryPersistence(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddHostedService<DatabaseInitializer>();
        return builder;
    }

    /// <summary>
    /// The <see cref="IDbContextFactory{RegistryDbContext}"/> alone, without the start-up migration and seeding: the
    /// caller migrates (the bUnit context does, per test). A relative SQLite file is resolved against <paramref name="contentRoot"/>.
    /// </summary>
    public static IServiceCollection AddRegistryPersistence(this IServiceCollection services, IConfiguration configuration, string contentRoot)
    {
        services.AddOptions<DatabaseOptions>()
            .Bind(configuration.GetSection(DatabaseOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();

        var provider = configuration[$"{DatabaseOptions.Section}:Provider"] ?? DatabaseProvider.Sqlite;
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        switch (provider)
        {
            case DatabaseProvider.SqlServer:
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new InvalidOperationException(
                        $"ConnectionStrings:{ConnectionStringName} is required when Database:Provider is SqlServer.");
                }

                services.AddDbContextFactory<SqlServerRegistryDbContext>(o => o.UseSqlServer(connectionString));
                services.AddSingleton<IDbContextFactory<RegistryDbContext>, RegistryDbContextFactory<SqlServerRegistryDbContext>>();
                break;
            default:
                // An unknown provider falls through to here and is then reported by ValidateOnStart with the field's name.
                var sqlite = SqliteConnectionString(connectionString, contentRoot);
                services.AddDbContextFactory<SqliteRegistryDbContext>(o => o.UseSqlite(sqlite));
                services.AddSingleton<IDbContextFactory<RegistryDbContext>, RegistryDbContextFactory<SqliteRegistryDbContext>>();
                break;
        }

        return services;
    }

    /// <summary>Resolves a relative SQLite file against the content root and makes sure its folder exists.</summary>
    internal static string SqliteConnectionString(string? configured, string contentRoot)
    {
        var csb = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? "Data Source=data/registry.db" : configured);
        if (csb.DataSource != ":memory:" && csb.Mode != SqliteOpenMode.Memory)
        {
            var path = Path.GetFullPath(csb.DataSource, contentRoot);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            csb.DataSource = path;
        }

        csb.Pooling = true;
        csb.DefaultTimeout = 30;
        return csb.ToString();
    }
}
