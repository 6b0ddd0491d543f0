using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ModelRegistry.Dashboard.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TimeToFirstToken : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "MaxTimeToFirstTokenMs",
                table: "MetricRollups",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);

            migrationBuilder.AddColumn<long>(
                name: "StreamedRequests",
                table: "MetricRollups",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<double>(
                name: "TimeToFirstTokenSumMs",
                table: "MetricRollups",
                type: "REAL",
                nullable: false,
                defaultValue: 0.0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "MaxTimeToFirstTokenMs",
                table: "MetricRollups");

            migrationBuilder.DropColumn(
                name: "StreamedRequests",
                table: "MetricRollups");

            migrationBuilder.DropColumn(
                name: "TimeToFirstTokenSumMs",
                table: "MetricRollups");
        }
    }
}
