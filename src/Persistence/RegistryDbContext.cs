using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using ModelRegistry.Dashboard.Access;
using ModelRegistry.Dashboard.Alerts;
using ModelRegistry.Dashboard.Audit;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Routing;
using ModelRegistry.Dashboard.Telemetry;

namespace ModelRegistry.Dashboard.Persistence;

/// <summary>
/// The one schema of the registry. Each provider has its own subclass (and migrations folder), so that SQLite and
/// SQL Server migrations live side by side in this project; services only ever see this base type. The people who sign
/// in are ASP.NET Core Identity users (its user tables, without its role tables: a user has one <see cref="DashboardUser.Role"/>).
/// </summary>
public abstract class RegistryDbContext(DbContextOptions options) : IdentityUserContext<DashboardUser>(options)
{
    public DbSet<Model> Models => Set<Model>();

    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    public DbSet<Notifications.NotificationChannel> NotificationChannels => Set<Notifications.NotificationChannel>();

    public DbSet<Notifications.OutboxEvent> OutboxEvents => Set<Notifications.OutboxEvent>();

    public DbSet<Notifications.NotificationDelivery> NotificationDeliveries => Set<Notifications.NotificationDelivery>();

    public DbSet<ProtectionKey> ProtectionKeys => Set<ProtectionKey>();

    public DbSet<ModelVersion> ModelVersions => Set<ModelVersion>();

    public DbSet<DeploymentEnvironment> Environments => Set<DeploymentEnvironment>();

    public DbSet<Route> Routes => Set<Route>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<MetricRollup> MetricRollups => Set<MetricRollup>();

    public DbSet<AlertRule> AlertRules => Set<AlertRule>();

    public DbSet<Alert> Alerts => Set<Alert>();

    public DbSet<Deployment> Deployments => Set<Deployment>();

    public DbSet<DeploymentEvent> DeploymentEvents => Set<DeploymentEvent>();

    public DbSet<Verdict> Verdicts => Set<Verdict>();

    public DbSet<Snapshot> Snapshots => Set<Snapshot>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is UTC; SQLite hands DateTime back as Unspecified without this.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<decimal>().HavePrecision(18, 6);
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<DashboardUser>(user =>
        {
            user.Property(u => u.Role).HasConversion<string>().HasMaxLength(16);
            user.Property(u => u.CreatedBy).HasMaxLength(200);
        });
        builder.Entity<Notifications.NotificationChannel>(channel =>
        {
            channel.HasIndex(c => c.Name).IsUnique();
            channel.Property(c => c.Name).HasMaxLength(Core.TextLimits.Name);
            channel.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
            channel.Property(c => c.Url).HasMaxLength(2000);
            channel.Property(c => c.SecretProtected).HasMaxLength(2000);
            channel.Property(c => c.Events).HasMaxLength(1000);
            channel.Property(c => c.Models).HasMaxLength(4000);
            channel.Property(c => c.Environments).HasMaxLength(4000);
            channel.Property(c => c.MinSeverity).HasConversion<string>().HasMaxLength(16);
            channel.Property(c => c.CreatedBy).HasMaxLength(200);
            channel.Property(c => c.UpdatedBy).HasMaxLength(200);
        });
        builder.Entity<Notifications.OutboxEvent>(evt =>
        {
            evt.HasIndex(e => e.EventId).IsUnique();
            evt.HasIndex(e => e.Dispatched);
            evt.Property(e => e.EventId).HasMaxLength(32);
            evt.Property(e => e.Type).HasMaxLength(40);
            evt.Property(e => e.ModelName).HasMaxLength(Core.TextLimits.Name);
            evt.Property(e => e.EnvironmentName).HasMaxLength(Core.TextLimits.Name);
            evt.Property(e => e.Severity).HasConversion<string>().HasMaxLength(16);
        });
        builder.Entity<Notifications.NotificationDelivery>(delivery =>
        {
            delivery.HasIndex(d => new { d.Status, d.NextAttemptAt });
            delivery.HasIndex(d => d.ChannelId);
            delivery.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
            delivery.Property(d => d.LastError).HasMaxLength(2000);
        });
        builder.Entity<ProtectionKey>(key =>
        {
            key.ToTable("DataProtectionKeys");
            key.Property(k => k.FriendlyName).HasMaxLength(200);
        });
        builder.Entity<ApiKey>(key =>
        {
            key.HasIndex(k => k.Prefix).IsUnique();
            key.Property(k => k.Prefix).HasMaxLength(16);
            key.Property(k => k.Name).HasMaxLength(Core.TextLimits.Name);
            key.HasIndex(k => k.Name);
            key.Property(k => k.SecretHash).HasMaxLength(64);
            key.Property(k => k.Role).HasConversion<string>().HasMaxLength(16);
            key.Property(k => k.ScopeModels).HasMaxLength(4000);
            key.Property(k => k.ScopeEnvironments).HasMaxLength(4000);
            key.Property(k => k.CreatedBy).HasMaxLength(200);
            key.Property(k => k.RevokedBy).HasMaxLength(200);
        });

        builder.Entity<Model>(model =>
        {
            model.HasIndex(m => m.Name).IsUnique();
            model.Property(m => m.Name).HasMaxLength(63);
            model.Property(m => m.DisplayName).HasMaxLength(200);
            model.Property(m => m.Description).HasMaxLength(4000);
            model.Property(m => m.Owner).HasMaxLength(200);
            model.HasIndex(m => m.Owner);
            model.Property(m => m.CreatedBy).HasMaxLength(200);
            model.Property(m => m.UpdatedBy).HasMaxLength(200);
            model.Property(m => m.ConcurrencyStamp).IsConcurrencyToken();
            model.HasMany(m => m.Versions).WithOne(v => v.Model).HasForeignKey(v => v.ModelId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<ModelVersion>(version =>
        {
            version.HasIndex(v => new { v.ModelId, v.Version }).IsUnique();
            version.Property(v => v.Version).HasMaxLength(64);
            version.Property(v => v.Endpoint).HasMaxLength(2048);
            version.Property(v => v.Provider).HasMaxLength(200);
            version.Property(v => v.UpstreamModel).HasMaxLength(Core.TextLimits.UpstreamModel);
            version.Property(v => v.Description).HasMaxLength(4000);
            version.Property(v => v.Changelog).HasMaxLength(20000);
            version.Property(v => v.Status).HasConversion<string>().HasMaxLength(16);
            version.Property(v => v.CreatedBy).HasMaxLength(200);
            version.Property(v => v.UpdatedBy).HasMaxLength(200);
            version.Property(v => v.ConcurrencyStamp).IsConcurrencyToken();
        });

        builder.Entity<DeploymentEnvironment>(environment =>
        {
            environment.HasKey(e => e.Name);
            environment.Property(e => e.Name).HasMaxLength(63);
            environment.Property(e => e.Description).HasMaxLength(1000);
            environment.HasData(
                new DeploymentEnvironment { Name = "staging", Protected = false, Rank = 1, Description = "Pre-production: every version proves itself here first." },
                new DeploymentEnvironment { Name = "production", Protected = true, Rank = 2, Description = "Serves customers. Accepts only versions that succeeded in staging." });
        });

        builder.Entity<Route>(route =>
        {
            route.HasIndex(r => new { r.EnvironmentName, r.ModelName }).IsUnique();
            route.HasIndex(r => r.ModelName);
            route.Property(r => r.EnvironmentName).HasMaxLength(63);
            route.Property(r => r.ModelName).HasMaxLength(63);
            route.Property(r => r.UpdatedBy).HasMaxLength(200);
            route.Property(r => r.Revision).IsConcurrencyToken();
            route.HasOne<DeploymentEnvironment>().WithMany().HasForeignKey(r => r.EnvironmentName).OnDelete(DeleteBehavior.Restrict);
            route.HasOne<Model>().WithMany().HasForeignKey(r => r.ModelName).HasPrincipalKey(m => m.Name).OnDelete(DeleteBehavior.Restrict);
            route.OwnsMany(r => r.Splits, split => split.ToJson());
        });

        builder.Entity<AuditEntry>(audit =>
        {
            audit.Property(a => a.Actor).HasMaxLength(200);
            audit.Property(a => a.Action).HasMaxLength(64);
            audit.Property(a => a.Target).HasMaxLength(300);
            audit.Property(a => a.ModelName).HasMaxLength(63);
            audit.Property(a => a.Version).HasMaxLength(64);
            audit.Property(a => a.EnvironmentName).HasMaxLength(63);
            audit.Property(a => a.Reason).HasMaxLength(2000);
            audit.HasIndex(a => new { a.ModelName, a.Id });
            audit.HasIndex(a => a.Timestamp);
        });

        ConfigureTelemetry(builder);
        ConfigureDeployments(builder);
    }

    private static void ConfigureTelemetry(ModelBuilder builder)
    {
        builder.Entity<MetricRollup>(rollup =>
        {
            rollup.Property(r => r.EnvironmentName).HasMaxLength(63);
            rollup.Property(r => r.ModelName).HasMaxLength(63);
            rollup.Property(r => r.Version).HasMaxLength(64);
            rollup.HasIndex(r => new { r.ModelName, r.EnvironmentName, r.Version, r.MinuteStart }).IsUnique();
            rollup.HasIndex(r => r.MinuteStart);
        });

        builder.Entity<AlertRule>(rule =>
        {
            rule.Property(r => r.Name).HasMaxLength(200);
            rule.Property(r => r.Metric).HasConversion<string>().HasMaxLength(32);
            rule.Property(r => r.Comparator).HasConversion<string>().HasMaxLength(16);
            rule.Property(r => r.Severity).HasConversion<string>().HasMaxLength(16);
            rule.Property(r => r.ModelName).HasMaxLength(63);
            rule.Property(r => r.EnvironmentName).HasMaxLength(63);
            rule.Property(r => r.CreatedBy).HasMaxLength(200);
            rule.Property(r => r.UpdatedBy).HasMaxLength(200);
            rule.Property(r => r.ConcurrencyStamp).IsConcurrencyToken();
        });

        builder.Entity<Alert>(alert =>
        {
            alert.Property(a => a.RuleName).HasMaxLength(200);
            alert.Property(a => a.Metric).HasConversion<string>().HasMaxLength(32);
            alert.Property(a => a.Comparator).HasConversion<string>().HasMaxLength(16);
            alert.Property(a => a.Severity).HasConversion<string>().HasMaxLength(16);
            alert.Property(a => a.State).HasConversion<string>().HasMaxLength(16);
            alert.Property(a => a.EnvironmentName).HasMaxLength(63);
            alert.Property(a => a.ModelName).HasMaxLength(63);
            alert.Property(a => a.Version).HasMaxLength(64);
            alert.Property(a => a.AcknowledgedBy).HasMaxLength(200);
            alert.Property(a => a.AcknowledgeNote).HasMaxLength(2000);
            alert.Property(a => a.ConcurrencyStamp).IsConcurrencyToken();
            alert.HasIndex(a => new { a.State, a.FiredAt });
            alert.HasIndex(a => new { a.RuleId, a.EnvironmentName, a.ModelName, a.Version, a.State });
        });
    }

    private static void ConfigureDeployments(ModelBuilder builder)
    {
        builder.Entity<Deployment>(deployment =>
        {
            deployment.Property(d => d.ModelName).HasMaxLength(63);
            deployment.Property(d => d.EnvironmentName).HasMaxLength(63);
            deployment.Property(d => d.FromVersion).HasMaxLength(64);
            deployment.Property(d => d.ToVersion).HasMaxLength(64);
            deployment.Property(d => d.Strategy).HasConversion<string>().HasMaxLength(16);
            deployment.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
            deployment.Property(d => d.ActiveScope).HasMaxLength(130);
            deployment.Property(d => d.CreatedBy).HasMaxLength(200);
            deployment.Property(d => d.UpdatedBy).HasMaxLength(200);
            deployment.Property(d => d.Reason).HasMaxLength(2000);
            deployment.Property(d => d.RollbackCause).HasMaxLength(2000);
            deployment.Property(d => d.ConcurrencyStamp).IsConcurrencyToken();
            deployment.Ignore(d => d.IsActive);

            // Nullable unique column: SQLite allows many NULLs, and EF Core filters SQL Server's index to NOT NULL.
            deployment.HasIndex(d => d.ActiveScope).IsUnique();
            deployment.HasIndex(d => new { d.ModelName, d.EnvironmentName, d.Id });
            deployment.HasIndex(d => d.Status);
            deployment.OwnsMany(d => d.PlannedSplits, split => split.ToJson());
            deployment.HasOne<DeploymentEnvironment>().WithMany().HasForeignKey(d => d.EnvironmentName).OnDelete(DeleteBehavior.Restrict);
            deployment.HasOne<Model>().WithMany().HasForeignKey(d => d.ModelName).HasPrincipalKey(m => m.Name).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<DeploymentEvent>(evt =>
        {
            evt.Property(e => e.Kind).HasConversion(k => DeploymentEventKindText.ToStored(k), s => DeploymentEventKindText.FromStored(s)).HasMaxLength(32);
            evt.Property(e => e.Message).HasMaxLength(4000);
            evt.Property(e => e.Actor).HasMaxLength(200);
            evt.HasIndex(e => new { e.DeploymentId, e.Id });
            evt.HasOne<Deployment>().WithMany().HasForeignKey(e => e.DeploymentId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Verdict>(verdict =>
        {
            verdict.Property(v => v.Outcome).HasConversion<string>().HasMaxLength(32);
            verdict.Property(v => v.Summary).HasMaxLength(4000);
            verdict.HasIndex(v => new { v.DeploymentId, v.Id });
            verdict.HasOne<Deployment>().WithMany().HasForeignKey(v => v.DeploymentId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Snapshot>(snapshot =>
        {
            snapshot.Property(s => s.EnvironmentName).HasMaxLength(63);
            snapshot.Property(s => s.ModelName).HasMaxLength(63);
            snapshot.Property(s => s.TakenBy).HasMaxLength(200);
            snapshot.Property(s => s.Reason).HasMaxLength(2000);
            snapshot.HasIndex(s => new { s.ModelName, s.EnvironmentName, s.Id });
            snapshot.OwnsMany(s => s.Splits, split => split.ToJson());
            snapshot.HasOne<DeploymentEnvironment>().WithMany().HasForeignKey(s => s.EnvironmentName).OnDelete(DeleteBehavior.Restrict);
            snapshot.HasOne<Model>().WithMany().HasForeignKey(s => s.ModelName).HasPrincipalKey(m => m.Name).OnDelete(DeleteBehavior.Restrict);
        });
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
}

public sealed class SqliteRegistryDbContext(DbContextOptions<SqliteRegistryDbContext> options) : RegistryDbContext(options);

public sealed class SqlServerRegistryDbContext(DbContextOptions<SqlServerRegistryDbContext> options) : RegistryDbContext(options);
