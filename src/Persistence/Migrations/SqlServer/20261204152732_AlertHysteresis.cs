using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ModelRegistry.Dashboard.Persistence.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class AlertHysteresis : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ClearSince",
                table: "Alerts",
                type: "datetime2",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "CooldownSeconds",
                table: "AlertRules",
                type: "int",
                nullable: false,
                // Existing rules get the default cooldown (AlertRule.DefaultCooldownSeconds at the time), not 0, which would
                // keep them flapping.
                defaultValue: 60);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ClearSince",
                table: "Alerts");

            migrationBuilder.DropColumn(
                name: "CooldownSeconds",
                table: "AlertRules");
        }
    }
}
