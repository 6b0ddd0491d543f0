using Microsoft.AspNetCore.Builder;
using ModelRegistry.Dashboard.Alerts;
using ModelRegistry.Dashboard.Api;
using ModelRegistry.Dashboard.Demo;
using ModelRegistry.Dashboard.Gateway;
using ModelRegistry.Dashboard.Deployments;
using ModelRegistry.Dashboard.Health;
using ModelRegistry.Dashboard.Hosting;
using ModelRegistry.Dashboard.Hubs;
using ModelRegistry.Dashboard.Notifications;
using ModelRegistry.Dashboard.Persistence;
using ModelRegistry.Dashboard.Registry;
using ModelRegistry.Dashboard.Telemetry;

var builder = WebApplication.CreateBuilder(args);

if (builder.IsStandaloneGateway())
{
    // Gateway:Mode=Standalone: only the data plane, following a control plane (README: "Standalone gateways").
    var gateway = builder.AddStandaloneGateway().Build();
    gateway.MapStandaloneGateway();
    gateway.Run();
    return;
}

builder.AddRegistryPersistence();
builder.AddRegistryEngine();
builder.AddTelemetry();
builder.AddAlerts();
builder.AddDeployments();
builder.AddNotifications();
builder.AddDemoData();
builder.AddDemoTraffic();
builder.AddHealthProbes();
builder.AddGateway();
builder.AddDashboardSecurity();
builder.AddDashboardAccounts();
builder.AddDashboardApi();
builder.AddRolloutsHub();
builder.AddDashboardUi();

var app = builder.Build();

app.UseDashboardPipeline();
app.MapDashboardApi();
app.MapAccountEndpoints();
app.MapRolloutsHub();
app.MapDemoBackends();
app.MapDashboardUi();

app.Run();

/// <summary>Entry point, visible to <c>WebApplicationFactory</c> in the test projects.</summary>
public partial class Program;
