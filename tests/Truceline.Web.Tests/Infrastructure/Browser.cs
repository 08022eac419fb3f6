using Microsoft.Playwright;

namespace Truceline.Web.Tests.Infrastructure;

/// <summary>Debian's Chromium driven by Playwright (no browser download: the executable path is given).</summary>
public static class Browser
{
    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var executable = Environment.GetEnvironmentVariable("TRUCELINE_CHROMIUM") ?? "/usr/bin/chromium";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"Chromium is not at {executable}; ./test.sh installs it (apt-get install chromium).");
        }
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return (playwright, browser);
    }

    public static Task SignInAsync(IPage page, TestApp app, Truceline.Access.Role role) => SignInAsync(page, app, TestApp.Email(role));

    /// <summary>Signs in through the form and waits for the page it leads to. A refusal fails with what the form
    /// says; a page that does not arrive fails with what the database was waiting on at that moment, rather than
    /// a bare timeout.</summary>
    public static async Task SignInAsync(IPage page, TestApp app, string email)
    {
        await page.GotoAsync(new Uri(app.Address, "/account/signin").ToString());
        await page.FillAsync("input[name=email]", email);
        await page.FillAsync("input[name=password]", TestApp.Password);
        var answer = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("button[type=submit]"),
            r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/account/signin");
        if (answer.Status != 302)
        {
            await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
            var error = await page.Locator(".error").AllInnerTextsAsync();
            Assert.Fail($"Sign-in as {email} did not succeed: {answer.Status} {string.Join(" ", error)}");
        }
        try
        {
            await page.WaitForURLAsync(url => new Uri(url).AbsolutePath != "/account/signin",
                new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 60_000 });
        }
        catch (TimeoutException) when (new Uri(page.Url).AbsolutePath != "/account/signin")
        {
            // The browser followed the redirect but the page never finished loading (seen once, with Chromium and the
            // servers on two busy cores). Loading it again tells a stalled browser from a server that does not answer.
            var again = await page.GotoAsync(page.Url, new() { WaitUntil = WaitUntilState.DOMContentLoaded, Timeout = 60_000 });
            Assert.True(again?.Ok == true, $"Signed in as {email}, but {page.Url} did not load, twice. Database: {await app.DescribeWaitsAsync()}");
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Signed in as {email}, but the next page did not load in 60 s ({page.Url}). Database: {await app.DescribeWaitsAsync()}");
        }
    }
}

/// <summary>Browser tests run on their own, after the rest: Chromium and the servers compete for two cores otherwise.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection
{
    public const string Name = "Browser";
}
