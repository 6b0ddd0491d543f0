using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using ModelRegistry.Dashboard.Components.Pages.Deployments;

namespace ModelRegistry.Dashboard.Components.Tests.Pages;

public sealed class DeploymentWizardTests : DashboardTestContext
{
    [Fact]
    public async Task Every_radio_button_is_named_for_a_screen_reader()
    {
        await SeedServedVersionAsync("staging", "support-chat", "1.0.0");
        await SeedVersionAsync("support-chat", "1.1.0");
        var cut = OpenWizard("?model=support-chat&version=1.1.0");

        cut.Find("[data-testid=wizard-next]").Click();
        cut.WaitForAssertion(() => Assert.Contains("staging", RadioNames(cut, 1)));
        Assert.DoesNotContain(RadioNames(cut, 1), string.IsNullOrWhiteSpace);
        Assert.Equal((await Routes.ListEnvironmentsAsync(Cancellation)).Count, RadioNames(cut, 1).Count);

        cut.Find("[data-testid=wizard-next]").Click();
        cut.WaitForAssertion(() => Assert.Equal(["Canary", "Blue-green", "Direct"], RadioNames(cut, 2)));
    }

    [Fact]
    public async Task Next_moves_keyboard_focus_into_the_new_step()
    {
        await SeedServedVersionAsync("staging", "support-chat", "1.0.0");
        await SeedVersionAsync("support-chat", "1.1.0");
        var focus = JSInterop.SetupModule(call => call.Arguments.Count == 1 && call.Arguments[0] is string path && path.EndsWith("js/focus.js", StringComparison.Ordinal));
        var focused = focus.Setup<bool>("focusFirstField", _ => true);
        focused.SetResult(true);
        var cut = OpenWizard("?model=support-chat&version=1.1.0");

        cut.Find("[data-testid=wizard-next]").Click();
        cut.WaitForAssertion(() => Assert.IsType<ElementReference>(Assert.Single(focused.Invocations).Arguments[0]));

        cut.Find("[data-testid=wizard-next]").Click();
        cut.WaitForAssertion(() => Assert.Equal(2, focused.Invocations.Count));
        // Each step's own region, not the same element twice (the browser test checks what gets the focus).
        var regions = focused.Invocations.Select(i => ((ElementReference)i.Arguments[0]!).Id).ToList();
        Assert.Equal(regions.Count, regions.Distinct().Count());
    }

    [Fact]
    public async Task A_refused_launch_speaks_of_the_form_not_of_api_fields()
    {
        await SeedServedVersionAsync("staging", "support-chat", "1.0.0");
        await SeedVersionAsync("support-chat", "2.0.0");
        var cut = OpenWizard("?model=support-chat&version=2.0.0");
        for (var step = 0; step < 4; step++)
        {
            cut.Find("[data-testid=wizard-next]").Click();
        }

        cut.WaitForElement("[data-testid=wizard-acknowledge]");
        cut.Find("[data-testid=wizard-launch]").Click();

        cut.WaitForAssertion(() =>
        {
            var error = cut.Find("[data-testid=wizard-error]").TextContent;
            Assert.Contains("Confirm that you accept the breaking change", error, StringComparison.Ordinal);
            Assert.DoesNotContain("acknowledgeBreakingChange", error, StringComparison.Ordinal);
        });
        Assert.Empty((await Deployments.ListAsync(new(), Cancellation)));
    }

    private IRenderedComponent<DeploymentWizard> OpenWizard(string query)
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("/deployments/new" + query);
        var cut = Render<DeploymentWizard>();
        cut.WaitForAssertion(() => Assert.Contains("support-chat@", cut.Find("[data-testid=wizard]").TextContent, StringComparison.Ordinal));
        return cut;
    }

    private static List<string> RadioNames(IRenderedComponent<DeploymentWizard> cut, int step) =>
        [.. cut.FindAll($"[data-testid=wizard-step-{step}] input[type=radio]").Select(r => r.GetAttribute("aria-label") ?? "")];
}
