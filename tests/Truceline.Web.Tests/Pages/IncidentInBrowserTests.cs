using Microsoft.Playwright;
using Truceline.Access;
using Truceline.Web.Access;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Pages;

[Collection(BrowserCollection.Name)]
public sealed class IncidentInBrowserTests(Apps apps)
{
    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AReportFiledInTheFormIsVerifiedByTwoOrganisationsAndAnsweredByTheParty(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        var type = $"Drone strike {Guid.NewGuid():N}"[..24];
        var suffix = Guid.NewGuid().ToString("N")[..8];
        await using (var ctx = app.OpenDb())
        {
            // A second verifying organisation, and a liaison office for the party the report names.
            Assert.True((await Accounts.AddUserAsync(ctx, new Accounts.NewUser($"verifier2-{suffix}@test.example", null, "verifier", $"Second mission {suffix}", TestApp.Password), app.Clock)).Succeeded);
            Assert.True((await Accounts.AddUserAsync(ctx, new Accounts.NewUser($"liaison-{suffix}@test.example", null, "liaison", $"Liaison office {suffix}", TestApp.Password, true, "israel"), app.Clock)).Succeeded);
        }
        var (playwright, browser) = await Browser.LaunchAsync();
        try
        {
            async Task<IPage> SignedIn(string email)
            {
                var page = await (await browser.NewContextAsync()).NewPageAsync();
                await Browser.SignInAsync(page, app, email);
                return page;
            }

            // A monitor files the report; the place is picked on the map.
            var monitor = await SignedIn(TestApp.Email(Role.Monitor));
            await monitor.GotoAsync(new Uri(app.Address, "/incidents").ToString());
            await monitor.ClickAsync("a:text-is('File a report')");
            await monitor.WaitForSelectorAsync("#picker[data-ready=true]");
            await monitor.FillAsync("input[name=latitude]", "31.3462");
            await monitor.FillAsync("input[name=longitude]", "34.3063");
            await monitor.FillAsync("input[name=occurredOn]", "2026-11-20");
            await monitor.FillAsync("input[name=eventType]", type);
            await monitor.FillAsync("input[name=allegedParties]", "israel");
            await monitor.FillAsync("textarea[name=description]", "Strike on a vehicle east of the town (simulated)");
            await monitor.ClickAsync("[data-testid=report-form] button[type=submit]");
            Assert.Equal("Your report is filed.", await monitor.InnerTextAsync("[data-testid=notice]"));
            Assert.Contains("Khan Younis", await monitor.InnerTextAsync("[data-testid=report-place]"));

            // The coordinator groups it and opens the review.
            using var api = app.Client(Role.Coordinator);
            await api.PostAsync("/api/v1/incidents/grouping", null);
            var coordinator = await SignedIn(TestApp.Email(Role.Coordinator));
            await coordinator.GotoAsync(new Uri(app.Address, $"/incidents?eventType={Uri.EscapeDataString(type)}").ToString());
            await coordinator.ClickAsync("[data-testid=incidents] tbody a >> nth=0");
            var incidentUrl = coordinator.Url;
            await coordinator.SelectOptionAsync("[data-testid=state-form] select[name=state]", "UnderReview");
            await coordinator.FillAsync("[data-testid=state-form] input[name=reason]", "Report from a monitor patrol");
            await coordinator.ClickAsync("[data-testid=state-form] button[type=submit]");
            Assert.Equal("underReview", await coordinator.InnerTextAsync("[data-testid=incident-state]"));

            // Two verifiers of different organisations sign.
            foreach (var email in new[] { TestApp.Email(Role.Verifier), $"verifier2-{suffix}@test.example" })
            {
                var verifier = await SignedIn(email);
                await verifier.GotoAsync(incidentUrl);
                await verifier.ClickAsync("summary:text-is('Sign a finding')");
                await verifier.FillAsync("[data-testid=finding-form] textarea[name=violation]", "Strike across the line during the ceasefire (simulated)");
                await verifier.FillAsync("[data-testid=finding-form] input[name=responsibleParty]", "undetermined");
                await verifier.ClickAsync("[data-testid=finding-form] button[type=submit]");
                Assert.Equal("Your finding is signed.", await verifier.InnerTextAsync("[data-testid=notice]"));
            }
            await coordinator.ReloadAsync();
            Assert.Contains("2 / 2", await coordinator.InnerTextAsync("[data-testid=quorum]"));
            await coordinator.SelectOptionAsync("[data-testid=state-form] select[name=state]", "Verified");
            await coordinator.FillAsync("[data-testid=state-form] input[name=reason]", "Quorum of two organisations");
            await coordinator.ClickAsync("[data-testid=state-form] button[type=submit]");
            Assert.Equal("verified", await coordinator.InnerTextAsync("[data-testid=incident-state]"));

            // The party named replies; the reply stands beside the findings.
            var liaison = await SignedIn($"liaison-{suffix}@test.example");
            await liaison.GotoAsync(incidentUrl);
            await liaison.ClickAsync("summary:text-is('Reply for your party')");
            await liaison.FillAsync("[data-testid=reply-form] textarea[name=text]", "The vehicle carried weapons (simulated)");
            await liaison.ClickAsync("[data-testid=reply-form] button[type=submit]");
            await coordinator.ReloadAsync();
            Assert.Contains("The vehicle carried weapons (simulated)", await coordinator.InnerTextAsync("[data-testid=replies]"));
            Assert.Equal(2, (await coordinator.QuerySelectorAllAsync("[data-testid=findings] li")).Count);
            Assert.Contains("verified", await coordinator.InnerTextAsync("[data-testid=timeline]"));

            // And the map shows the incident.
            await coordinator.GotoAsync(new Uri(app.Address, $"/incidents/map?eventType={Uri.EscapeDataString(type)}").ToString());
            await coordinator.WaitForSelectorAsync("#incident-map[data-ready=true]");
            Assert.Equal(1, await coordinator.EvaluateAsync<int>("JSON.parse(document.getElementById('map-data').textContent).incidents.length"));
            Assert.True(await coordinator.Locator("#incident-map .leaflet-interactive").CountAsync() > 5);
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }
}
