using System.Net.Http.Json;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Truceline.Access;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Pages;

/// <summary>
/// axe-core (vendored: tests/Truceline.Web.Tests/Vendor/axe-core) run in Chromium over the public pages, with data on
/// them, in English, Arabic and Hebrew: no serious or critical violation. Minor and moderate findings are not counted here.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityInBrowserTests
{
    private static readonly string Axe = Path.Combine(TestFiles.Root, "tests", "Truceline.Web.Tests", "Vendor", "axe-core", "axe.min.js");

    [Fact]
    public async Task ThePublicPagesHaveNoSeriousAccessibilityViolation()
    {
        await using var app = await TestApp.StartAsync("sqlite");
        await app.EnsureCrossingsAsync();
        var plan = await app.ImportGazaPlanAsync();
        using var coordinator = app.Client(Role.Coordinator);
        var provision = await app.ProvisionIdAsync(plan, "P2-WATER");
        Assert.True((await coordinator.PostAsync($"/api/v1/provisions/{provision}/status",
            new StringContent(JsonSerializer.Serialize(new { status = 1, evidence = "Contract signed (simulated)" }), Encoding.UTF8, "application/json"))).IsSuccessStatusCode);
        using var agency = app.Client(Role.Agency);
        var c = await Aid.ConsignmentTests.RegisterAsync(agency, "A11Y-1", "2026-11-19T06:00:00Z");
        foreach (var (stage, at) in new[] { ("cleared", "2026-11-19T12:00:00Z"), ("arrived-at-crossing", "2026-11-20T06:00:00Z"), ("offloaded", "2026-11-20T08:00:00Z") })
        {
            Assert.Equal(HttpStatusCode.Created, (await Aid.ConsignmentTests.MoveAsync(agency, c.Id, stage, at)).StatusCode);
        }
        // A published situation report, written in Arabic, read in each language.
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        var report = await coordinator.PostAsJsonAsync("/api/v1/situation-reports", new
        {
            agreement = plan, title = "تقرير الوضع (محاكاة)", periodFrom = today.AddDays(-6).ToString("yyyy-MM-dd"), periodTo = today.ToString("yyyy-MM-dd"),
            language = "ar", text = "بدأ تنفيذ بند المياه.\n\nالأرقام من السجل.", citations = new[] { 0 }, classification = "public",
        });
        var reportId = System.Text.Json.Nodes.JsonNode.Parse(await report.Content.ReadAsStringAsync())!["id"]!.GetValue<Guid>();
        Assert.True((await coordinator.PostAsync($"/api/v1/situation-reports/{reportId}/publish", null)).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Created, (await app.Client(Role.Administrator).PostAsync("/api/v1/log/checkpoints", null)).StatusCode);

        var (playwright, browser) = await Browser.LaunchAsync();
        try
        {
            var page = await (await browser.NewContextAsync()).NewPageAsync();
            var failures = new List<string>();
            var paths = new[]
            {
                "/", "/public/incidents", $"/plans/{plan}", $"/provisions/{provision}", "/aid?from=2026-11-14&to=2026-11-21",
                "/aid/daily?stage=offloaded&from=2026-11-14&to=2026-11-21", "/log", "/log/entries/0", "/account/signin", "/complaint", "/complaint/track", "/public/grievances",
                "/public/reports", $"/public/reports/{reportId}",
            };
            foreach (var path in from language in new[] { "en", "ar", "he" } from p in paths select p + (p.Contains('?') ? "&" : "?") + "lang=" + language)
            {
                await page.GotoAsync(new Uri(app.Address, path).ToString());
                await page.AddScriptTagAsync(new() { Path = Axe });
                var found = await page.EvaluateAsync<string[]>("""
                    async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
                        .filter(v => v.impact === 'serious' || v.impact === 'critical')
                        .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.length + ' at ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))
                    """);
                failures.AddRange(found.Select(f => $"{path}: {f}"));
            }
            Assert.True(failures.Count == 0, string.Join("\n", failures));
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }
}
