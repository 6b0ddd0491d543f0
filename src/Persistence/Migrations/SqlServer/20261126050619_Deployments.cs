using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ModelRegistry.Dashboard.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Deployments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Deployments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    ModelName = table.Column<string>(type: "nvarchar(63)", maxLength: 63, nullable: false),
                    EnvironmentName = table.Column<string>(type: "nvarchar(63)", maxLength: 63, nullable: false),
                    Strategy = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    FromVersion = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: true),
                    ToVersion = table.Column<string>(type: "nvarchar(64)", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "nvarchar(16)", maxLength: 16, nullable: false),
                    ActiveScope = table.Column<string>(type: "nvarchar(130)", maxLength: 130, nullable: true),
                    Steps = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    StepSeconds = table.Column<int>(type: "int", nullable: false),
                    CurrentStep = table.Column<int>(type: "int", nullable: false),
                    TrafficPercent = table.Column<int>(type: "int", nullable: false),
                    StepStartedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    WatchUntil = table.Column<DateTime>(type: "datetime2", nullable: true),
                    GuardRulesJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    SnapshotId = table.Column<long>(type: "bigint", nullable: false),
                    CreatedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Reason = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    AcknowledgeBreakingChange = table.Column<bool>(type: "bit", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    UpdatedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    FinishedAt = table.Column<DateTime>(type: "datetime2", nullable: true),
                    ConcurrencyStamp = table.Column<int>(type: "int", nullable: false),
                    RollbackCause = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    RollbackVerdictId = table.Column<long>(type: "bigint", nullable: true),
                    PlannedRevision = table.Column<long>(type: "bigint", nullable: true),
                    PlannedTrafficPercent = table.Column<int>(type: "int", nullable: true),
                    PlannedSplits = table.Column<string>(type: "nvarchar(max)", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Deployments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Deployments_Environments_EnvironmentName",
                        column: x => x.EnvironmentName,
                        principalTable: "Environments",
                        principalColumn: "Name",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Deployments_Models_ModelName",
                        column: x => x.ModelName,
                        principalTable: "Models",
                        principalColumn: "Name",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Snapshots",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    EnvironmentName = table.Column<string>(type: "nvarchar(63)", maxLength: 63, nullable: false),
                    ModelName = table.Column<string>(type: "nvarchar(63)", maxLength: 63, nullable: false),
                    RouteRevision = table.Column<long>(type: "bigint", nullable: false),
                    Versions = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    GuardRulesJson = table.Column<string>(type: "nvarchar(max)", nullable: true),
                    TakenAt = table.Column<DateTime>(type: "datetime2", nullable: false),
                    TakenBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    Reason = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: false),
                    DeploymentId = table.Column<long>(type: "bigint", nullable: true),
                    Splits = table.Column<string>(type: "nvarchar(max)", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Snapshots", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Snapshots_Environments_EnvironmentName",
                        column: x => x.EnvironmentName,
                        principalTable: "Environments",
                        principalColumn: "Name",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Snapshots_Models_ModelName",
                        column: x => x.ModelName,
                        principalTable: "Models",
                        principalColumn: "Name",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "DeploymentEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    DeploymentId = table.Column<long>(type: "bigint", nullable: false),
                    At = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Kind = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    Message = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false),
                    Actor = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    TrafficFrom = table.Column<int>(type: "int", nullable: true),
                    TrafficTo = table.Column<int>(type: "int", nullable: true),
                    RouteRevision = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeploymentEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeploymentEvents_Deployments_DeploymentId",
                        column: x => x.DeploymentId,
                        principalTable: "Deployments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Verdicts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    DeploymentId = table.Column<long>(type: "bigint", nullable: false),
                    Step = table.Column<int>(type: "int", nullable: false),
                    TrafficPercent = table.Column<int>(type: "int", nullable: false),
                    At = table.Column<DateTime>(type: "datetime2", nullable: false),
                    Outcome = table.Column<string>(type: "nvarchar(32)", maxLength: 32, nullable: false),
                    WindowSeconds = table.Column<int>(type: "int", nullable: false),
                    CanarySamples = table.Column<long>(type: "bigint", nullable: false),
                    BaselineSamples = table.Column<long>(type: "bigint", nullable: false),
                    ChecksJson = table.Column<string>(type: "nvarchar(max)", nullable: false),
                    Summary = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Verdicts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Verdicts_Deployments_DeploymentId",
                        column: x => x.DeploymentId,
                        principalTable: "Deployments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_DeploymentEvents_DeploymentId_Id",
                table: "DeploymentEvents",
                columns: new[] { "DeploymentId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Deployments_ActiveScope",
                table: "Deployments",
                column: "ActiveScope",
                unique: true,
                filter: "[ActiveScope] IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Deployments_EnvironmentName",
                table: "Deployments",
                column: "EnvironmentName");

            migrationBuilder.CreateIndex(
                name: "IX_Deployments_ModelName_EnvironmentName_Id",
                table: "Deployments",
                columns: new[] { "ModelName", "EnvironmentName", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Deployments_Status",
                table: "Deployments",
                column: "Status");

            migrationBuilder.CreateIndex(
                name: "IX_Snapshots_EnvironmentName",
                table: "Snapshots",
                column: "EnvironmentName");

            migrationBuilder.CreateIndex(
                name: "IX_Snapshots_ModelName_EnvironmentName_Id",
                table: "Snapshots",
                columns: new[] { "ModelName", "EnvironmentName", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Verdicts_DeploymentId_Id",
                table: "Verdicts",
                columns: new[] { "DeploymentId", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DeploymentEvents");

            migrationBuilder.DropTable(
                name: "Snapshots");

            migrationBuilder.DropTable(
                name: "Verdicts");

            migrationBuilder.DropTable(
                name: "Deployments");
        }
    }
}
