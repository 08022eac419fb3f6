using System.Net;
using Truceline.Access;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Pages;

public sealed class PageAccessTests(Apps apps)
{
    private static async Task<HttpClient> SignedInAsync(TestApp app, Role role, string? password = null)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = app.Address };
        var response = await FormSignIn.PostAsync(client, TestApp.Email(role), password ?? TestApp.Password);
        if (password is null)
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        }
        return client;
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task SignedOutAVisitorReadsPublicPlansButARestrictedPlanOrProvisionLeadsToSignIn(string db)
    {
        var app = await apps.Get(db);
        var open = await app.ImportGazaPlanAsync();
        var closed = "closed-" + Guid.NewGuid().ToString("N")[..8];
        var json = (await File.ReadAllTextAsync(TestFiles.GazaPlan)).Replace("\"code\": \"gaza-cp\"", $"\"code\": \"{closed}\"", StringComparison.Ordinal);
        var at = json.IndexOf("\"classification\": \"public\"", StringComparison.Ordinal); // the agreement's own, first in the file
        json = json[..at] + "\"classification\": \"restricted\"" + json[(at + "\"classification\": \"public\"".Length)..];
        using (var admin = app.Client(Role.Administrator))
        {
            Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/v1/plans", new StringContent(json, System.Text.Encoding.UTF8, "application/json"))).StatusCode);
        }
        var isf = await app.ProvisionIdAsync(open, "P2-ISF-DEPLOY");
        using (var coordinator = app.Client(Role.Coordinator))
        {
            Assert.True((await coordinator.PostAsync($"/api/v1/provisions/{isf}/status", new StringContent(
                "{\"status\":1,\"evidence\":\"First contingent arrived (simulated)\"}", System.Text.Encoding.UTF8, "application/json"))).IsSuccessStatusCode);
            // A deadline amendment too: its table names who made it, to staff only.
            var amended = await coordinator.PostAsync($"/api/v1/provisions/{isf}/deadline", new StringContent(
                "{\"deadline\":\"2027-06-30\",\"reason\":\"Mandate still negotiated (simulated)\"}", System.Text.Encoding.UTF8, "application/json"));
            Assert.True(amended.IsSuccessStatusCode, await amended.Content.ReadAsStringAsync());
        }
        var hidden = await app.ProvisionIdAsync(closed, "P2-ISF-DEPLOY");

        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.Address };
        var home = await anonymous.GetStringAsync("/");
        Assert.Contains($"href=\"/plans/{open}\"", home);
        Assert.DoesNotContain(closed, home);
        foreach (var path in new[] { $"/plans/{closed}", $"/plans/{closed}/dependencies", $"/provisions/{hidden}", "/plans/no-such-plan", $"/provisions/{Guid.NewGuid()}" })
        {
            var refused = await anonymous.GetAsync(path);
            Assert.True(refused.StatusCode == HttpStatusCode.Redirect, $"{path}: {(int)refused.StatusCode}");
            Assert.StartsWith("/account/signin", refused.Headers.Location!.PathAndQuery);
        }
        var dependencies = await anonymous.GetAsync($"/plans/{open}/dependencies");
        Assert.Equal(HttpStatusCode.OK, dependencies.StatusCode);
        Assert.Contains("P2-ISF-DEPLOY", await dependencies.Content.ReadAsStringAsync());
        var overview = await anonymous.GetStringAsync($"/plans/{open}");
        Assert.Contains("data-testid=\"phase-", overview);

        // The provision: its public history, linked to the log; not the restricted metric, nor who recorded what, nor any form.
        var page = WebUtility.HtmlDecode(await anonymous.GetStringAsync($"/provisions/{isf}"));
        Assert.Contains("First contingent arrived (simulated)", page);
        Assert.Contains("Mandate still negotiated (simulated)", page);
        Assert.DoesNotContain("ISF personnel deployed", page);
        Assert.DoesNotContain("Recorded by", page);
        Assert.DoesNotContain(TestApp.Email(Role.Coordinator), page);
        Assert.DoesNotContain("<form method=\"post\"", page);
        var link = System.Text.RegularExpressions.Regex.Match(page, "href=\"(/log/records/provision-status/[0-9a-f-]+)\" data-testid=\"history-log\"").Groups[1].Value;
        var record = await anonymous.GetAsync(link);
        Assert.Equal(HttpStatusCode.Redirect, record.StatusCode);
        var entry = await anonymous.GetStringAsync(record.Headers.Location!.OriginalString);
        Assert.Contains("First contingent arrived (simulated)", WebUtility.HtmlDecode(entry));
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/log/records/provision-status/{Guid.NewGuid()}")).StatusCode);

        // Signed in, the same restricted plan is there for a participating organisation.
        using var coordinatorPages = await SignedInAsync(app, Role.Coordinator);
        Assert.Equal(HttpStatusCode.OK, (await coordinatorPages.GetAsync($"/plans/{closed}")).StatusCode);
        using var outsider = await SignedInAsync(app, Role.Analyst);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/plans/{closed}")).StatusCode);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AWrongPasswordIsRefusedWithoutSayingWhichPartWasWrong(string db)
    {
        var app = await apps.Get(db);
        using var client = await SignedInAsync(app, Role.Coordinator, "not-the-password");
        var response = await client.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>()));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode); // no antiforgery token: refused before anything runs
        var wrong = await FormSignIn.PostAsync(client, "nobody@test.example", "whatever-it-is");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("The email or password is not right.", await wrong.Content.ReadAsStringAsync());
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task GuessingAPasswordIsStoppedAfterTenAttempts(string db)
    {
        var app = await apps.Get(db);
        var email = $"target-{Guid.NewGuid():N}@test.example";
        await using (var context = app.OpenDb())
        {
            Assert.True((await Truceline.Web.Access.Accounts.AddUserAsync(context,
                new Truceline.Web.Access.Accounts.NewUser(email, null, "verifier", "Participating test organisation", TestApp.Password), app.Clock)).Succeeded);
        }
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = app.Address };
        for (var i = 0; i < Truceline.Web.Access.SignInThrottle.PerAccount; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await FormSignIn.PostAsync(client, email, $"guess-number-{i}")).StatusCode);
        }
        // Now even the right password is refused until the window passes.
        var blocked = await FormSignIn.PostAsync(client, email, TestApp.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, blocked.StatusCode);
        Assert.Contains("Too many sign-in attempts. Wait 15 minutes", await blocked.Content.ReadAsStringAsync());
        // Another account from the same address is not affected.
        Assert.Equal(HttpStatusCode.Redirect, (await FormSignIn.PostAsync(client, TestApp.Email(Role.Monitor), TestApp.Password)).StatusCode);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AnAnalystSeesNoEditFormsAndCannotPostOne(string db)
    {
        var app = await apps.Get(db);
        var plan = await app.ImportGazaPlanAsync();
        var id = await app.ProvisionIdAsync(plan, "P2-ENERGY");
        using var analyst = await SignedInAsync(app, Role.Analyst);
        var html = await analyst.GetStringAsync($"/provisions/{id}");
        Assert.DoesNotContain("Change status", html);
        Assert.Contains("Audit trail", html);
        var token = FormSignIn.Antiforgery(html);
        var post = await analyst.PostAsync($"/provisions/{id}?handler=Status", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["status"] = "3",
            ["evidence"] = "not allowed",
            ["__RequestVerificationToken"] = token,
        }));
        // Refused: sent to the "not allowed" page, not back to the provision.
        Assert.True(post.StatusCode == HttpStatusCode.Redirect, $"{(int)post.StatusCode} {post.Headers.Location}");
        Assert.Equal("/account/denied", post.Headers.Location!.AbsolutePath);
        using var coordinator = app.Client(Role.Coordinator);
        var detail = await coordinator.GetStringAsync($"/api/v1/provisions/{id}");
        Assert.Contains("\"status\":0", detail);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AFormWithBadInputShowsTheProblemAndChangesNothing(string db)
    {
        var app = await apps.Get(db);
        var plan = await app.ImportGazaPlanAsync();
        var id = await app.ProvisionIdAsync(plan, "P2-ENERGY");
        using var coordinator = await SignedInAsync(app, Role.Coordinator);
        var html = await coordinator.GetStringAsync($"/provisions/{id}");
        var post = await coordinator.PostAsync($"/provisions/{id}?handler=Status", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["status"] = "2",
            ["evidence"] = "",
            ["__RequestVerificationToken"] = FormSignIn.Antiforgery(html),
        }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, post.StatusCode);
        Assert.Contains("evidence: is required", await post.Content.ReadAsStringAsync());
        using var api = app.Client(Role.Coordinator);
        Assert.Contains("\"status\":0", await api.GetStringAsync($"/api/v1/provisions/{id}"));
    }

    [Fact]
    public async Task TheApiIsDescribedByOpenApiAndHealthAnswers()
    {
        var app = await apps.Get("sqlite");
        using var client = app.Client();
        var doc = await client.GetStringAsync("/openapi/v1.json");
        Assert.Contains("\"/api/v1/plans/{plan}/sequencing\"", doc);
        Assert.Contains("\"/api/v1/provisions/{id}/status\"", doc);
        Assert.Contains("Truceline API", await client.GetStringAsync("/api/docs/index.html"));
        Assert.Equal("{\"status\":\"healthy\",\"database\":\"sqlite\"}", await client.GetStringAsync("/health"));
        var missing = await ProblemAssert.IsProblem(await client.GetAsync("/api/v1/nothing-here"), HttpStatusCode.NotFound);
        Assert.Contains("/api/v1/nothing-here", missing.Detail());
    }
}
