using Microsoft.Playwright;
using Truceline.Access;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Pages;

[Collection(BrowserCollection.Name)]
public sealed class ProvisionInBrowserTests(Apps apps)
{
    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ACoordinatorChangesAStatusAndSeesItOnTheOverviewAndInTheAuditTrail(string db)
    {
        var app = await apps.Get(db);
        var plan = await app.ImportGazaPlanAsync();
        var (playwright, browser) = await Browser.LaunchAsync();
        try
        {
            var page = await browser.NewPageAsync();
            await Browser.SignInAsync(page, app, Role.Coordinator);
            await page.ClickAsync($"a[href='/plans/{plan}']");
            Assert.Contains("SIMULATED DATA", await page.InnerTextAsync("[data-testid=simulated-banner]"));
            Assert.Equal("0 · Not initiated", await page.InnerTextAsync("[data-testid=status-P2-WATER]"));

            await page.ClickAsync("[data-testid=provisions-phase-2] a:text-is('P2-WATER')");
            await page.ClickAsync("summary:text-is('Change status')");
            await page.SelectOptionAsync("[data-testid=status-form] select[name=status]", "2");
            await page.FillAsync("[data-testid=status-form] textarea[name=evidence]", "Desalination plant contract signed (simulated)");
            await page.ClickAsync("[data-testid=status-form] button[type=submit]");
            Assert.Equal("Status changed to 2 (Intermediate).", await page.InnerTextAsync("[data-testid=notice]"));
            Assert.Equal("2 · Intermediate", await page.InnerTextAsync("[data-testid=current-status]"));
            var audit = await page.InnerTextAsync("[data-testid=audit]");
            Assert.Contains(TestApp.Email(Role.Coordinator), audit);
            Assert.Contains("\"before\":{\"Status\":0},\"after\":{\"Status\":2}", audit);
            Assert.Contains("Desalination plant contract signed (simulated)", await page.InnerTextAsync("[data-testid=history]"));

            await page.ClickAsync($"nav.crumbs a[href='/plans/{plan}']");
            Assert.Equal("2 · Intermediate", await page.InnerTextAsync("[data-testid=status-P2-WATER]"));
            Assert.Contains("Intermediate: 1", await page.InnerTextAsync("[data-testid=phase-phase-2]"));
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }

    [Fact]
    public async Task WithoutJavaScriptAnAmendedDeadlineShowsItsKnockOn()
    {
        var app = await apps.Get("sqlite");
        var plan = await app.ImportGazaPlanAsync();
        var id = await app.ProvisionIdAsync(plan, "P2-ISF-DEPLOY");
        var (playwright, browser) = await Browser.LaunchAsync();
        try
        {
            var context = await browser.NewContextAsync(new() { JavaScriptEnabled = false });
            var page = await context.NewPageAsync();
            await Browser.SignInAsync(page, app, Role.Administrator);
            await page.GotoAsync(new Uri(app.Address, $"/provisions/{id}").ToString());
            await page.ClickAsync("summary:text-is('Amend the deadline')");
            await page.FillAsync("input[name=deadline]", "2027-06-30");
            await page.FillAsync("textarea[name=reason]", "Troop contributors delayed (simulated)");
            await page.ClickAsync("button:text-is('Amend')");
            Assert.Equal("2027-06-30", await page.InnerTextAsync("[data-testid=deadline]"));
            var knockOn = await page.InnerTextAsync("[data-testid=knock-on]");
            Assert.Contains("P2-YELLOW-LINE", knockOn);
            Assert.Contains("P2-ISF-TAKEOVER", knockOn);
            Assert.Contains("Troop contributors delayed (simulated)", await page.InnerTextAsync("[data-testid=amendments]"));
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }
}
