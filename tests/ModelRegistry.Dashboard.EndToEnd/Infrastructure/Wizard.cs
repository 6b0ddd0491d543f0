using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ModelRegistry.Dashboard.EndToEnd.Infrastructure;

/// <summary>The deployment wizard driven as an operator does, up to the review step every launch ends on.</summary>
public static class Wizard
{
    /// <summary>
    /// Opens the wizard for <paramref name="model"/>@<paramref name="version"/> and walks to its review: staging and
    /// canary as preselected, <paramref name="stepSeconds"/> per canary step, the guard rules as proposed.
    /// </summary>
    public static async Task<IPage> OpenAtReviewAsync(Browser browser, string baseUrl, string model, string version, int stepSeconds = 30)
    {
        var page = await browser.OpenAsync($"{baseUrl}/deployments/new?model={model}&version={version}");
        await Expect(page.GetByTestId("wizard")).ToContainTextAsync($"{model}@{version}");
        await page.GetByTestId("wizard-next").ClickAsync();
        await Expect(page.GetByTestId("wizard-environment")).ToBeVisibleAsync();    // staging preselected
        await page.GetByTestId("wizard-next").ClickAsync();
        await Expect(page.GetByTestId("wizard-step-seconds")).ToBeVisibleAsync();   // canary preselected
        await page.GetByTestId("wizard-step-seconds").FillAsync(stepSeconds.ToString(CultureInfo.InvariantCulture));
        await page.GetByTestId("wizard-next").ClickAsync();
        await Expect(page.GetByTestId("guard-rules")).ToBeVisibleAsync();
        await page.GetByTestId("wizard-next").ClickAsync();
        return page;
    }
}
