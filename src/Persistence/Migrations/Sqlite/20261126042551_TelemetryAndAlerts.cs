using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ModelRegistry.Dashboard.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TelemetryAndAlerts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "AlertRules",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Metric = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Comparator = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Threshold = table.Column<double>(type: "REAL", nullable: false),
                    WindowSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    ForSeconds = table.Column<int>(type: "INTEGER", nullable: false),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ModelName = table.Column<string>(type: "TEXT", maxLength: 63, nullable: true),
                    EnvironmentName = table.Column<string>(type: "TEXT", maxLength: 63, nullable: true),
                    MinSamples = table.Column<int>(type: "INTEGER", nullable: false),
                    Enabled = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ConcurrencyStamp = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AlertRules", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Alerts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RuleId = table.Column<int>(type: "INTEGER", nullable: false),
                    RuleName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Metric = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Comparator = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Threshold = table.Column<double>(type: "REAL", nullable: false),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    EnvironmentName = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    ModelName = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    Version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    FiredValue = table.Column<double>(type: "REAL", nullable: false),
                    LastValue = table.Column<double>(type: "REAL", nullable: false),
                    FiredAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    AcknowledgedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AcknowledgedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    AcknowledgeNote = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ResolvedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ConcurrencyStamp = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Alerts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "MetricRollups",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    EnvironmentName = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    ModelName = table.Column<string>(type: "TEXT", maxLength: 63, nullable: false),
                    Version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    MinuteStart = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Requests = table.Column<long>(type: "INTEGER", nullable: false),
                    Errors = table.Column<long>(type: "INTEGER", nullable: false),
                    LatencySumMs = table.Column<double>(type: "REAL", nullable: false),
                    P50LatencyMs = table.Column<double>(type: "REAL", nullable: false),
                    P95LatencyMs = table.Column<double>(type: "REAL", nullable: false),
                    P99LatencyMs = table.Column<double>(type: "REAL", nullable: false),
                    MaxLatencyMs = table.Column<double>(type: "REAL", nullable: false),
                    InputTokens = table.Column<long>(type: "INTEGER", nullable: false),
                    OutputTokens = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MetricRollups", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_RuleId_EnvironmentName_ModelName_Version_State",
                table: "Alerts",
                columns: new[] { "RuleId", "EnvironmentName", "ModelName", "Version", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_State_FiredAt",
                table: "Alerts",
                columns: new[] { "State", "FiredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_MetricRollups_MinuteStart",
                table: "MetricRollups",
                column: "MinuteStart");

            migrationBuilder.CreateIndex(
                name: "IX_MetricRollups_ModelName_EnvironmentName_Version_MinuteStart",
                table: "MetricRollups",
                columns: new[] { "ModelName", "EnvironmentName", "Version", "MinuteStart" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AlertRules");

            migrationBuilder.DropTable(
                name: "Alerts");

            migrationBuilder.DropTable(
                name: "MetricRollups");
        }
    }
}
