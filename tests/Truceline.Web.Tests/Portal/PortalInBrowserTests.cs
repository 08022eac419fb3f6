using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Truceline.Access;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Portal;

/// <summary>The public portal in Chromium, signed out, in Arabic: laid out right to left (checked on a screenshot), translated, and a record verified.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PortalInBrowserTests
{
    private static Dictionary<string, string> Table(string language) => TestFiles.LanguageTable(language);

    /// <summary>Where the ink of an element's screenshot lies across its width, from 0 (left edge) to 1 (right edge):
    /// the PNG Chromium took is drawn on a canvas and its dark pixels averaged.</summary>
    private static async Task<double> InkCentreAsync(IPage page, string selector)
    {
        await page.EvaluateAsync("() => document.fonts.ready");
        var png = await page.Locator(selector).ScreenshotAsync();
        return await page.EvaluateAsync<double>("""
            async (b64) => {
                const img = new Image();
                img.src = 'data:image/png;base64,' + b64;
                await img.decode();
                const c = document.createElement('canvas');
                c.width = img.width; c.height = img.height;
                const g = c.getContext('2d');
                g.drawImage(img, 0, 0);
                const d = g.getImageData(0, 0, c.width, c.height).data;
                let sum = 0, n = 0;
                for (let y = 0; y < c.height; y++) for (let x = 0; x < c.width; x++) {
                    const i = (y * c.width + x) * 4;
                    if (d[i] + d[i + 1] + d[i + 2] < 300) { sum += x; n++; }
                }
                return n === 0 ? -1 : sum / n / c.width;
            }
            """, Convert.ToBase64String(png));
    }

    [Fact]
    public async Task AVisitorReadsThePortalInArabicRightToLeftAndVerifiesAStatusChangeFromThePlan()
    {
        await using var app = await TestApp.StartAsync("sqlite");
        var plan = await app.ImportGazaPlanAsync();
        using var coordinator = app.Client(Role.Coordinator);
        var provision = await app.ProvisionIdAsync(plan, "P2-WATER");
        Assert.True((await coordinator.PostAsync($"/api/v1/provisions/{provision}/status",
            new StringContent(JsonSerializer.Serialize(new { status = 2, evidence = "Pipeline repaired (simulated)" }), Encoding.UTF8, "application/json"))).IsSuccessStatusCode);
        Assert.Equal(HttpStatusCode.Created, (await app.Client(Role.Administrator).PostAsync("/api/v1/log/checkpoints", null)).StatusCode);
        var ar = Table("ar");

        var (playwright, browser) = await Browser.LaunchAsync();
        try
        {
            var page = await (await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1200, Height = 900 } })).NewPageAsync();
            await page.GotoAsync(new Uri(app.Address, "/").ToString());
            Assert.Equal("ltr", await page.GetAttributeAsync("html", "dir"));
            var englishInk = await InkCentreAsync(page, "main h1");

            await page.ClickAsync("[data-testid=languages] a[lang=ar]");
            // The link goes through /lang/ar and back to "/": waiting for the URL "/" could match the page being left
            // (it once waited 30 s for a load that had already happened), so wait for the Arabic page itself.
            await page.WaitForSelectorAsync("html[lang=ar]", new() { State = WaitForSelectorState.Attached });
            await page.WaitForLoadStateAsync(LoadState.Load);
            Assert.Equal(("ar", "rtl"), (await page.GetAttributeAsync("html", "lang"), await page.GetAttributeAsync("html", "dir")));
            Assert.Equal(ar["Public portal"], (await page.InnerTextAsync("main h1")).Trim());
            // On the screenshot the heading's ink sits at the right, where the English one sat at the left.
            var arabicInk = await InkCentreAsync(page, "main h1");
            Assert.True(englishInk is > 0 and < 0.35, $"English heading ink centre {englishInk:0.00}");
            Assert.True(arabicInk > 0.65, $"Arabic heading ink centre {arabicInk:0.00}: the page is not laid out right to left");
            // The header is mirrored too: the name of the site at the right, the language links at the left.
            var brand = await page.Locator(".site-header .brand").BoundingBoxAsync();
            var languages = await page.Locator("[data-testid=languages]").BoundingBoxAsync();
            Assert.True(brand!.X > languages!.X, $"brand at {brand.X}, languages at {languages.X}");
            // Arabic glyphs are drawn (a font that has them), not boxes: the heading is as wide as real text would be.
            var heading = await page.EvaluateAsync<double>("() => { const r = document.createRange(); r.selectNodeContents(document.querySelector('main h1')); return r.getBoundingClientRect().width; }");
            Assert.True(heading > 80, $"heading {heading}px wide");

            // The plan, then the provision, in Arabic; its status change links to the log entry, verified in the browser.
            await page.ClickAsync($"[data-testid=plans] a[href='/plans/{plan}']");
            Assert.Contains(ar["Implementation"], await page.InnerTextAsync("#progress-h"));
            Assert.Contains(ar["Intermediate"], await page.InnerTextAsync("main"));
            await page.GotoAsync(new Uri(app.Address, $"/provisions/{provision}").ToString());
            Assert.Equal(0, await page.Locator("[data-testid=status-form]").CountAsync());
            Assert.DoesNotContain(TestApp.Email(Role.Coordinator), await page.ContentAsync());
            await page.ClickAsync("[data-testid=history-log]");
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.StartsWith("/log/entries/", StringComparison.Ordinal));
            Assert.Contains("Pipeline repaired (simulated)", await page.InnerTextAsync("[data-testid=entry-pretty]"));
            await page.ClickAsync("[data-testid=verify-button]");
            await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=verify-result]').textContent.length > 1");
            var verdict = await page.InnerTextAsync("[data-testid=verify-result]");
            Assert.StartsWith(ar["Verified: these bytes are entry {0} of the log whose checkpoint of {1} entries is signed by {2}."].Split("{0}")[0], verdict);
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }
}
