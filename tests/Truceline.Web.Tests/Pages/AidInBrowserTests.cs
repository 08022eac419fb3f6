using Microsoft.Playwright;
using Truceline.Access;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Pages;

[Collection(BrowserCollection.Name)]
public sealed class AidInBrowserTests
{
    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AnAgencyRegistersAConsignmentMovesItThroughItsStagesAndSeesItInTheFigures(string db)
    {
        // An app of its own: the figures are totals, and this test reads exact ones.
        await using var app = await TestApp.StartAsync(db);
        await app.EnsureCrossingsAsync();
        var (playwright, browser) = await Browser.LaunchAsync();
        try
        {
            var page = await (await browser.NewContextAsync()).NewPageAsync();
            await Browser.SignInAsync(page, app, TestApp.Email(Role.Agency));
            await page.GotoAsync(new Uri(app.Address, "/aid/consignments").ToString());
            await page.ClickAsync("a:text-is('Register a consignment')");
            await page.FillAsync("input[name=reference]", "WFP-REQ-0042");
            await page.SelectOptionAsync("select[name=crossing]", "Kerem Shalom");
            await page.SelectOptionAsync("select[name=destinationGovernorate]", "PS0270");
            await page.FillAsync("input[name=trucks]", "14");
            await page.SelectOptionAsync("select[name=category]", "food");
            await page.FillAsync("input[name=description]", "Wheat flour");
            await page.FillAsync("input[name=tonnes]", "280");
            await page.ClickAsync("[data-testid=consignment-form] button[type=submit]");
            Assert.Equal("Registered.", await page.InnerTextAsync("[data-testid=notice]"));
            Assert.Equal("requested", await page.InnerTextAsync("[data-testid=consignment-stage]"));

            // The app's clock moves on an hour before each step; the form proposes the current time.
            string[] steps = ["cleared", "arrived-at-crossing", "offloaded", "collected"];
            for (var i = 0; i < steps.Length; i++)
            {
                app.Clock.Advance(TimeSpan.FromHours(1));
                await page.ReloadAsync();
                await page.SelectOptionAsync("[data-testid=stage-form] select[name=stage]", steps[i]);
                Assert.Equal($"2026-11-21T{13 + i:00}:00", await page.InputValueAsync("[data-testid=stage-form] input[name=at]"));
                await page.ClickAsync("[data-testid=stage-form] button[type=submit]");
                Assert.Equal($"Recorded: {steps[i]}.", await page.InnerTextAsync("[data-testid=notice]"));
            }
            Assert.Equal("collected", await page.InnerTextAsync("[data-testid=consignment-stage]"));
            var history = await page.InnerTextAsync("[data-testid=consignment-history]");
            Assert.Contains("offloaded", history);
            Assert.Contains("1 h", history);

            // An illegal step is refused beside the form, and changes nothing.
            await page.SelectOptionAsync("[data-testid=stage-form] select[name=stage]", "lost");
            await page.ClickAsync("[data-testid=stage-form] button[type=submit]");
            Assert.Contains("reason: is required: say why the consignment was lost", await page.InnerTextAsync("[data-testid=stage-form]"));
            Assert.Equal("collected", await page.InnerTextAsync("[data-testid=consignment-stage]"));

            // The public dashboard shows it: 14 trucks entered today at Kerem Shalom, and the funnel.
            var visitor = await (await browser.NewContextAsync()).NewPageAsync();
            await visitor.GotoAsync(new Uri(app.Address, "/aid?from=2026-11-21&to=2026-11-21").ToString());
            Assert.Contains("14 trucks a day", await visitor.InnerTextAsync("[data-testid=aid-trucks-per-day]"));
            Assert.Contains("Kerem Shalom\t14\t280", await visitor.InnerTextAsync("[data-testid=aid-by-crossing]"));
            var funnel = await visitor.InnerTextAsync("[data-testid=aid-funnel]");
            Assert.Contains("offloaded\t1\t14", funnel);
            Assert.Contains("collected\t1\t14", funnel);
            Assert.Contains("reached-destination\t0\t0", funnel);
            Assert.Equal(1, await visitor.Locator("#aid-chart").CountAsync());
            // The map draws the five governorates and the five crossings.
            await visitor.WaitForSelectorAsync("#aid-map[data-ready=true]");
            Assert.Equal(10, await visitor.Locator("#aid-map path.leaflet-interactive").CountAsync());

            // Each figure leads to the records behind it: the visitor to the day's totals, the agency on to its consignment.
            await visitor.ClickAsync("[data-testid=aid-by-crossing] a:text-is('Kerem Shalom')");
            Assert.Equal("/aid/daily", new Uri(visitor.Url).AbsolutePath);
            Assert.Equal("14", await visitor.InnerTextAsync("[data-testid=aid-daily-trucks]"));
            Assert.Equal(0, await visitor.Locator("[data-testid=aid-daily-records] tbody a").CountAsync());
            await page.GotoAsync(visitor.Url);
            await page.ClickAsync("[data-testid=aid-daily-records] tbody a");
            Assert.Contains("WFP-REQ-0042", await page.InnerTextAsync("[data-testid=consignments]"));
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }
}
