using Bunit;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Components.Layout;
using MudBlazor;

namespace ModelRegistry.Dashboard.Components.Tests.Layout;

public sealed class DashboardSnackbarsTests : DashboardTestContext
{
    [Fact]
    public async Task Confirmations_do_not_pile_up_and_the_same_one_shows_once()
    {
        var snackbar = Services.GetRequiredService<ISnackbar>();
        DashboardSnackbars.Configure(snackbar.Configuration);
        var host = RenderWithSnackbar(_ => { });

        foreach (var model in new[] { "a-model", "b-model", "c-model", "c-model", "d-model" })
        {
            await host.InvokeAsync(() => snackbar.Add($"Model {model} registered.", Severity.Success));
        }

        host.WaitForAssertion(() =>
        {
            var shown = host.FindAll(".mud-snackbar").Select(s => Normalize(s.TextContent)).ToList();
            Assert.Equal(DashboardSnackbars.MaxVisible, shown.Count);
            Assert.Equal(shown.Count, shown.Distinct().Count());
        });
        Assert.NotNull(host.Find(".mud-snackbar-location-bottom-center"));
    }
}
