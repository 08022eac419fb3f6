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

    /// <summary>Signs in through the form; if the page stays on the form, fails with what it says (rather than timing out).</summary>
    public static async Task SignInAsync(IPage page, TestApp app, string email)
    {
        await page.GotoAsync(new Uri(app.Address, "/account/signin").ToString());
        await page.FillAsync("input[name=email]", email);
        await page.FillAsync("input[name=password]", TestApp.Password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
        if (new Uri(page.Url).AbsolutePath != "/")
        {
            var error = await page.Locator(".error").AllInnerTextsAsync();
            Assert.Fail($"Sign-in as {email} did not succeed: {page.Url} {string.Join(" ", error)}");
        }
    }
}

/// <summary>Browser tests run on their own, after the rest: Chromium and the servers compete for two cores otherwise.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection
{
    public const string Name = "Browser";
}
