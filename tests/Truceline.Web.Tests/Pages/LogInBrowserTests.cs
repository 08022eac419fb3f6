using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Pages;

[Collection(BrowserCollection.Name)]
public sealed class LogInBrowserTests
{
    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AVisitorVerifiesARecordInTheBrowserAgainstTheKeyAndSeesATamperedOneFail(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        var plan = await app.ImportGazaPlanAsync(withHistory: false);
        using var coordinator = app.Client(Role.Coordinator);
        foreach (var code in new[] { "P2-ISF-DEPLOY", "P2-YELLOW-LINE", "P2-GOVERNANCE" })
        {
            var id = await app.ProvisionIdAsync(plan, code);
            var changed = await coordinator.PostAsync($"/api/v1/provisions/{id}/status",
                new StringContent(JsonSerializer.Serialize(new { status = 1, evidence = $"Evidence for {code} (simulated)" }), Encoding.UTF8, "application/json"));
            Assert.True(changed.IsSuccessStatusCode);
        }
        Assert.Equal(HttpStatusCode.Created, (await app.Client(Role.Administrator).PostAsync("/api/v1/log/checkpoints", null)).StatusCode);

        var (playwright, browser) = await Browser.LaunchAsync();
        try
        {
            var page = await (await browser.NewContextAsync()).NewPageAsync();
            await page.GotoAsync(new Uri(app.Address, "/log").ToString());
            Assert.Equal(TestApp.LogSigner.Verifier.ToString(), (await page.InnerTextAsync("[data-testid=log-key]")).Trim());
            Assert.StartsWith("3 entries", await page.InnerTextAsync("[data-testid=log-size]"));
            await page.ClickAsync("[data-testid=log-entries] a:text-is('1')");
            Assert.Contains("P2-YELLOW-LINE", await page.InnerTextAsync("[data-testid=entry-pretty]"));
            await page.ClickAsync("[data-testid=verify-button]");
            await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=verify-result]').textContent.length > 1");
            Assert.Equal("Verified: these bytes are entry 1 of the log whose checkpoint of 3 entries is signed by truceline.test/log.",
                await page.InnerTextAsync("[data-testid=verify-result]"));

            // A key other than the log's is refused, whatever the page says.
            var other = Truceline.Transparency.NoteSigner.Generate("truceline.test/log", Truceline.Transparency.NoteKeyType.Ed25519, TimeProvider.System);
            await page.FillAsync("[data-testid=verify-key]", other.Verifier.ToString());
            await page.ClickAsync("[data-testid=verify-button]");
            await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=verify-result]').textContent.startsWith('NOT')");
            Assert.Equal("NOT verified: the checkpoint is not signed by this key", await page.InnerTextAsync("[data-testid=verify-result]"));

            // The entry is altered in the database behind the log's back: the page shows the new bytes, which do not verify.
            await using (var ctx = app.OpenDb())
            {
                await ctx.Database.ExecuteSqlRawAsync(app.Database.Provider == Truceline.Data.DbProvider.Sqlite
                    ? "DROP TRIGGER log_entries_no_update; UPDATE log_entries SET body = replace(body, 'Evidence for', 'Quietly rewritten for') WHERE idx = 1;"
                    : "DROP TRIGGER log_entries_append_only ON log_entries; UPDATE log_entries SET body = replace(body, 'Evidence for', 'Quietly rewritten for') WHERE idx = 1;");
            }
            await page.ReloadAsync();
            Assert.Contains("Quietly rewritten", await page.InnerTextAsync("[data-testid=entry-body]"));
            await page.ClickAsync("[data-testid=verify-button]");
            await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=verify-result]').textContent.length > 1");
            Assert.Equal("NOT verified: these bytes are not the entry the signed checkpoint covers", await page.InnerTextAsync("[data-testid=verify-result]"));

            // In Arabic, the verdict and its reason are in Arabic; a key that is not one is named as such.
            var ar = TestFiles.LanguageTable("ar");
            await page.GotoAsync(new Uri(app.Address, "/log/entries/1?lang=ar").ToString());
            await page.ClickAsync("[data-testid=verify-button]");
            await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=verify-result]').textContent.length > 1");
            Assert.Equal($"{ar["NOT verified"]}: {ar["these bytes are not the entry the signed checkpoint covers"]}", await page.InnerTextAsync("[data-testid=verify-result]"));
            await page.FillAsync("[data-testid=verify-key]", "not a key");
            await page.ClickAsync("[data-testid=verify-button]");
            await page.WaitForFunctionAsync($"() => document.querySelector('[data-testid=verify-result]').textContent.includes({JsonSerializer.Serialize(ar["the key is not in the form name+keyid+base64"])})");
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }
}
