using System.Text.Json;
using Microsoft.Playwright;
using Truceline.Access;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Grievances;

/// <summary>A civilian complains in Arabic on a phone with JavaScript off, an officer answers, the civilian reads the answer.</summary>
[Collection(BrowserCollection.Name)]
public sealed class GrievanceInBrowserTests
{
    private static Dictionary<string, string> Arabic() =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(TestFiles.Root, "src", "Truceline.Web", "Languages", "ar.json")))!;

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ACivilianComplainsInArabicWithoutJavaScriptAnOfficerAnswersAndTheCivilianReadsTheAnswer(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        await app.EnsureGovernoratesAsync();
        var ar = Arabic();
        var (playwright, browser) = await Browser.LaunchAsync();
        try
        {
            // A small phone, JavaScript off, a browser set to English: the complaint page still opens in Arabic, right to left.
            var phone = await browser.NewContextAsync(new() { JavaScriptEnabled = false, ViewportSize = new() { Width = 360, Height = 740 }, Locale = "en-US" });
            var page = await phone.NewPageAsync();
            var response = await page.GotoAsync(new Uri(app.Address, "/complaint").ToString());
            Assert.Equal(("ar", "rtl"), (await page.GetAttributeAsync("html", "lang"), await page.GetAttributeAsync("html", "dir")));
            Assert.Equal(ar["Make a complaint"], (await page.InnerTextAsync("main h1")).Trim());
            var body = await response!.BodyAsync();
            Assert.True(body.Length < 20_000, $"the complaint page is {body.Length} bytes");
            Assert.Equal(0, await page.Locator("script[src]").CountAsync());
            // The form's start edge is on the right.
            var form = await page.Locator("[data-testid=complaint-form] textarea").BoundingBoxAsync();
            var label = await page.Locator("[data-testid=complaint-form] legend").BoundingBoxAsync();
            Assert.True(label!.X + label.Width > 300, $"legend ends at {label.X + label.Width}");

            await page.CheckAsync("input[name=category][value=aidDistribution]");
            await page.SelectOptionAsync("select[name=governorate]", new SelectOptionValue { Label = "Khan Younis" });
            await page.FillAsync("textarea[name=text]", "لم تصل المساعدات الغذائية إلى مخيمنا منذ عشرة أيام (محاكاة)");
            await page.FillAsync("input[name=contact]", "أم محمد 0599000111");
            await page.ClickAsync("[data-testid=complaint-form] button[type=submit]");
            var code = (await page.InnerTextAsync("[data-testid=tracking-code]")).Trim();
            Assert.Matches("^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$", code);
            Assert.Contains(ar["Your complaint was received. Keep this tracking code: it is the only way to see the answer, and it is shown only once."],
                await page.InnerTextAsync("[data-testid=complaint-receipt]"));

            // An officer signs in, finds it on the dashboard, reads the contact, answers with the form.
            var desk = await (await browser.NewContextAsync()).NewPageAsync();
            await Browser.SignInAsync(desk, app, Role.GrievanceOfficer);
            await desk.GotoAsync(new Uri(app.Address, "/grievances").ToString());
            await desk.ClickAsync("[data-testid=grievances-open] a");
            Assert.Equal("أم محمد 0599000111", (await desk.InnerTextAsync("[data-testid=grievance-contact]")).Trim());
            Assert.Contains("لم تصل المساعدات الغذائية", await desk.InnerTextAsync("[data-testid=grievance-text]"));
            await desk.FillAsync("[data-testid=respond-form] textarea[name=response]", "ستصل شاحنة توزيع إلى المخيم يوم الثلاثاء.");
            await desk.ClickAsync("[data-testid=respond-form] button[type=submit]");
            await desk.WaitForSelectorAsync("[data-testid=grievance-response]");
            Assert.Equal("responded", (await desk.InnerTextAsync("[data-testid=grievance-state]")).Trim());

            // Later, on the phone: the code shows the answer, in Arabic.
            await page.GotoAsync(new Uri(app.Address, "/complaint/track").ToString());
            await page.FillAsync("[data-testid=track-form] input[name=code]", code.ToLowerInvariant());
            await page.ClickAsync("[data-testid=track-form] button[type=submit]");
            Assert.Equal(ar["Answered"], (await page.InnerTextAsync("[data-testid=track-state]")).Trim());
            Assert.Equal("ستصل شاحنة توزيع إلى المخيم يوم الثلاثاء.", (await page.InnerTextAsync("[data-testid=track-answer]")).Trim());
            Assert.DoesNotContain("0599000111", await page.ContentAsync());
            await page.CheckAsync("[data-testid=close-form] input[name=satisfied][value=true]");
            await page.ClickAsync("[data-testid=close-form] button[type=submit]");
            Assert.Equal(ar["Thank you. Your complaint is closed."], (await page.InnerTextAsync("[data-testid=track-done]")).Trim());
            Assert.Equal(ar["Closed"], (await page.InnerTextAsync("[data-testid=track-state]")).Trim());
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }
}
