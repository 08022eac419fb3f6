using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Web.SituationReports;
using Truceline.Web.Tests.Infrastructure;
using Truceline.Web.Transparency;

namespace Truceline.Web.Tests.SituationReports;

/// <summary>Situation reports: drafts stay in, publication is a log entry, corrections and withdrawal are new ones.</summary>
public sealed class SituationReportTests
{
    private static string Key => TestApp.LogSigner.Verifier.ToString();

    private static async Task<(TestApp App, string Plan)> AppWithTwoEntriesAsync(string db)
    {
        var app = await TestApp.StartAsync(db);
        var plan = await app.ImportGazaPlanAsync(withHistory: false);
        using var coordinator = app.Client(Role.Coordinator);
        foreach (var code in new[] { "P2-ISF-DEPLOY", "P2-YELLOW-LINE" })
        {
            var id = await app.ProvisionIdAsync(plan, code);
            Assert.True((await coordinator.PostAsJsonAsync($"/api/v1/provisions/{id}/status", new { status = 1, evidence = $"Evidence (simulated): {code}" })).IsSuccessStatusCode);
        }
        return (app, plan);
    }

    private static object Draft(TestApp app, string plan, string classification = "restricted", string title = "Weekly situation report (simulated)",
        string text = "Two provisions began this week.\r\n\r\nDeployment is under way (simulated).", long[]? citations = null)
    {
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        return new { agreement = plan, title, periodFrom = today.AddDays(-6).ToString("yyyy-MM-dd"), periodTo = today.ToString("yyyy-MM-dd"), language = "en", text, citations = citations ?? [0, 1], classification };
    }

    private static async Task<LogEntriesView> EntriesAsync(TestApp app) =>
        (await app.Client().GetFromJsonAsync<LogEntriesView>("/api/v1/log/entries", Json.Options))!;

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AReportIsADraftUntilPublishedThenEachCorrectionAndTheWithdrawalIsANewEntryAndVerifyAgrees(string db)
    {
        var (app, plan) = await AppWithTwoEntriesAsync(db);
        await using var _ = app;
        using var coordinator = app.Client(Role.Coordinator);
        using var anonymous = app.Client();

        var created = await coordinator.PostAsJsonAsync("/api/v1/situation-reports", Draft(app, plan));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var draft = (await created.Content.ReadFromJsonAsync<SituationReportView>(Json.Options))!;
        Assert.Equal(("draft", "restricted", 0, (long?)null), (draft.State, draft.Classification, draft.Version, draft.LogEntry));
        Assert.Equal("Two provisions began this week.\n\nDeployment is under way (simulated).", draft.Text); // line ends made one form
        Assert.True(draft.Simulated);

        // A draft is not published: not in the log, not on the portal, not a record anyone can fetch.
        Assert.Equal(2, (await EntriesAsync(app)).Size);
        Assert.Contains("No situation report has been published yet.", await anonymous.GetStringAsync("/public/reports"));
        await ProblemAssert.IsProblem(await anonymous.GetAsync($"/api/v1/log/records/situation-report/{draft.Id}"), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/public/reports/{draft.Id}")).StatusCode);

        // Only a public report is published to everyone.
        var notPublic = await ProblemAssert.IsProblem(await coordinator.PostAsync($"/api/v1/situation-reports/{draft.Id}/publish", null), HttpStatusCode.Conflict);
        Assert.Contains("make it public before publishing it", notPublic.Detail());
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PutAsJsonAsync($"/api/v1/situation-reports/{draft.Id}", Draft(app, plan, "public"))).StatusCode);
        Assert.Equal(2, (await EntriesAsync(app)).Size);

        var published = (await (await coordinator.PostAsync($"/api/v1/situation-reports/{draft.Id}/publish", null)).Content.ReadFromJsonAsync<SituationReportView>(Json.Options))!;
        Assert.Equal(("published", 1, (long?)2), (published.State, published.Version, published.LogEntry));
        var entry = (await EntriesAsync(app)).Entries[2];
        Assert.Equal(("situation-report", draft.Id.ToString(), (long?)null), (entry.Kind, entry.Record, entry.Corrects));
        var content = JsonNode.Parse(entry.Body)!["content"]!;
        Assert.Equal("Weekly situation report (simulated)", (string?)content["title"]);
        Assert.Equal("[0,1]", content["citations"]!.ToJsonString());
        Assert.False((bool)content["withdrawn"]!);
        await ProblemAssert.IsProblem(await coordinator.PostAsync($"/api/v1/situation-reports/{draft.Id}/publish", null), HttpStatusCode.Conflict);

        var list = await anonymous.GetStringAsync("/public/reports");
        Assert.Contains($"href=\"/public/reports/{draft.Id}\"", list);
        Assert.Contains("href=\"/log/entries/2\"", list);
        var page = WebUtility.HtmlDecode(await anonymous.GetStringAsync($"/public/reports/{draft.Id}"));
        Assert.Contains("<p>Deployment is under way (simulated).</p>", page);
        Assert.Contains("href=\"/log/entries/0\"", page); // the figures cited link to their entries
        Assert.Contains("Weekly situation report (simulated)", await anonymous.GetStringAsync("/api/v1/open/situation-report.csv"));

        // A published report changes only by a correction that says what changed.
        var corrected = Draft(app, plan, "public", text: "Two provisions began this week.\n\nDeployment began on Tuesday (simulated).");
        var noNote = await ProblemAssert.IsProblem(await coordinator.PutAsJsonAsync($"/api/v1/situation-reports/{draft.Id}", corrected), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("is required to change a published report", noNote.FieldErrors("correctionNote").Single());
        Assert.Equal(3, (await EntriesAsync(app)).Size);
        var withNote = JsonSerializer.SerializeToNode(corrected, Json.Options)!.AsObject();
        withNote["correctionNote"] = "The day deployment began was wrong.";
        // Nor does it move to another agreement: the log's record would no longer be the one published.
        var otherPlan = await app.ImportGazaPlanAsync(withHistory: false);
        var moved = withNote.DeepClone().AsObject();
        moved["agreement"] = otherPlan;
        var notMoved = await ProblemAssert.IsProblem(await coordinator.PutAsJsonAsync($"/api/v1/situation-reports/{draft.Id}", moved), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("stays with its agreement", notMoved.FieldErrors("agreement").Single());
        Assert.Equal(3, (await EntriesAsync(app)).Size);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PutAsJsonAsync($"/api/v1/situation-reports/{draft.Id}", withNote)).StatusCode);
        var correction = (await EntriesAsync(app)).Entries[3];
        Assert.Equal(((long?)2, 2), (correction.Corrects, (int)JsonNode.Parse(correction.Body)!["content"]!["version"]!));
        page = WebUtility.HtmlDecode(await anonymous.GetStringAsync($"/public/reports/{draft.Id}"));
        Assert.Contains("Deployment began on Tuesday (simulated).", page);
        Assert.Contains("The day deployment began was wrong.", page);
        Assert.Contains("href=\"/log/entries/2\"", page); // the history keeps the first publication

        // Withdrawn, with the reason published; then nothing more changes it.
        await ProblemAssert.IsProblem(await coordinator.PostAsJsonAsync($"/api/v1/situation-reports/{Guid.NewGuid()}/withdraw", new { reason = "" }), HttpStatusCode.NotFound);
        var noReason = await ProblemAssert.IsProblem(await coordinator.PostAsJsonAsync($"/api/v1/situation-reports/{draft.Id}/withdraw", new { reason = " " }), HttpStatusCode.UnprocessableEntity);
        Assert.NotEmpty(noReason.FieldErrors("reason"));
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsJsonAsync($"/api/v1/situation-reports/{draft.Id}/withdraw", new { reason = "Superseded by the monthly report." })).StatusCode);
        var withdrawal = (await EntriesAsync(app)).Entries[4];
        Assert.Equal((long?)3, withdrawal.Corrects);
        Assert.True((bool)JsonNode.Parse(withdrawal.Body)!["content"]!["withdrawn"]!);
        page = WebUtility.HtmlDecode(await anonymous.GetStringAsync($"/public/reports/{draft.Id}"));
        Assert.Contains("Superseded by the monthly report.", page);
        Assert.Contains("data-testid=\"report-withdrawn\"", page);
        Assert.DoesNotContain("data-testid=\"report-correction\"", page); // the earlier correction's note went with that version
        await ProblemAssert.IsProblem(await coordinator.PutAsJsonAsync($"/api/v1/situation-reports/{draft.Id}", withNote), HttpStatusCode.Conflict);

        Assert.Equal(HttpStatusCode.Created, (await app.Client(Role.Administrator).PostAsync("/api/v1/log/checkpoints", null)).StatusCode);
        var verified = await Executable.RunAsync("verify", "--log", app.Address.ToString(), "--key", Key);
        Assert.True(verified.ExitCode == 0, verified.All);
        Assert.Contains("Verified: 5 entries", verified.Output);

        // Changed behind the log's back, the report no longer matches its latest entry, and verify names it.
        await using (var ctx = app.OpenDb())
        {
            await ctx.Database.ExecuteSqlRawAsync("UPDATE situation_reports SET text = 'Quietly rewritten'");
        }
        var tampered = await Executable.RunAsync("verify", "--log", app.Address.ToString(), "--key", Key);
        Assert.Equal(1, tampered.ExitCode);
        Assert.Contains($"record situation-report {draft.Id} as published now differs from its latest entry 4", tampered.Output);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task OnlyTheCentreWritesAndEachReaderSeesWhatItsClassificationAllows(string db)
    {
        var (app, plan) = await AppWithTwoEntriesAsync(db);
        await using var _ = app;
        using var coordinator = app.Client(Role.Coordinator);
        var restricted = (await (await coordinator.PostAsJsonAsync("/api/v1/situation-reports", Draft(app, plan, title: "Restricted draft (simulated)"))).Content.ReadFromJsonAsync<SituationReportView>(Json.Options))!;
        var confidential = (await (await coordinator.PostAsJsonAsync("/api/v1/situation-reports", Draft(app, plan, "confidential", title: "Confidential draft (simulated)"))).Content.ReadFromJsonAsync<SituationReportView>(Json.Options))!;

        foreach (var role in new[] { Role.Monitor, Role.Verifier, Role.PartyLiaison, Role.Agency, Role.Donor, Role.Analyst })
        {
            using var client = app.Client(role);
            await ProblemAssert.IsProblem(await client.PostAsJsonAsync("/api/v1/situation-reports", Draft(app, plan)), HttpStatusCode.Forbidden);
            await ProblemAssert.IsProblem(await client.PostAsync($"/api/v1/situation-reports/{restricted.Id}/publish", null), HttpStatusCode.Forbidden);
        }
        // Participants read a restricted draft; outsiders (donors, analysts) do not, nor anyone outside the owning organisation a confidential one.
        using (var monitor = app.Client(Role.Monitor))
        {
            var seen = (await monitor.GetFromJsonAsync<List<SituationReportView>>("/api/v1/situation-reports", Json.Options))!.Select(r => r.Title).ToList();
            Assert.Contains("Restricted draft (simulated)", seen);
            Assert.Contains("Confidential draft (simulated)", seen); // same organisation as the coordinator
        }
        using (var donor = app.Client(Role.Donor))
        {
            Assert.Empty((await donor.GetFromJsonAsync<List<SituationReportView>>("/api/v1/situation-reports", Json.Options))!);
            await ProblemAssert.IsProblem(await donor.GetAsync($"/api/v1/situation-reports/{restricted.Id}"), HttpStatusCode.NotFound);
        }
        using (var other = await app.ClientOfNewOrganisationAsync(Role.Verifier, "Another verifying organisation (simulated)"))
        {
            var seen = (await other.GetFromJsonAsync<List<SituationReportView>>("/api/v1/situation-reports", Json.Options))!.Select(r => r.Title).ToList();
            Assert.Equal(["Restricted draft (simulated)"], seen);
            await ProblemAssert.IsProblem(await other.GetAsync($"/api/v1/situation-reports/{confidential.Id}"), HttpStatusCode.NotFound);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client().GetAsync("/api/v1/situation-reports")).StatusCode);
        // A confidential report cannot be published to everyone, and nothing of either draft reached the log or open data.
        await ProblemAssert.IsProblem(await coordinator.PostAsync($"/api/v1/situation-reports/{confidential.Id}/publish", null), HttpStatusCode.Conflict);
        Assert.Equal(2, (await EntriesAsync(app)).Size);
        var open = await app.Client().GetStringAsync("/api/v1/open/situation-report.json");
        Assert.DoesNotContain("draft (simulated)", open);
    }

    public static TheoryData<string, string, string> BadReports => new()
    {
        { "sqlite", """{"agreement":"PLAN","title":"T","periodFrom":"2026-01-10","periodTo":"2026-01-01","language":"en","text":"x"}""", "periodFrom" },
        { "postgres", """{"agreement":"PLAN","title":"T","periodFrom":"2026-01-01","periodTo":"2999-01-01","language":"en","text":"x"}""", "periodTo" },
        { "sqlite", """{"agreement":"PLAN","title":"T","periodFrom":"2026-01-01","periodTo":"2026-01-02","language":"fr","text":"x"}""", "language" },
        { "postgres", """{"agreement":"PLAN","title":"T","periodFrom":"2026-01-01","periodTo":"2026-01-02","language":"en","text":"x","citations":[999]}""", "citations" },
        { "sqlite", """{"agreement":"PLAN","title":"Two\nlines","periodFrom":"2026-01-01","periodTo":"2026-01-02","language":"en","text":"x"}""", "title" },
        { "postgres", """{"agreement":"PLAN","title":"T","periodFrom":"2026-01-01","periodTo":"2026-01-02","language":"en","text":"bell\u0007"}""", "text" },
        { "sqlite", """{"agreement":"no-such-plan","title":"T","periodFrom":"2026-01-01","periodTo":"2026-01-02","language":"en","text":"x"}""", "agreement" },
        { "postgres", """{"agreement":"PLAN","title":"T","periodFrom":"2026-01-01","periodTo":"2026-01-02","language":"en","text":"x","classification":"secret"}""", "classification" },
        { "sqlite", """{"agreement":"PLAN","title":"T","periodFrom":"2026-01-01","periodTo":"2026-01-02","language":"en","text":"TOO_LONG"}""", "text" },
    };

    [Theory, MemberData(nameof(BadReports))]
    public async Task ABadReportIsRefusedNamingTheFieldAndNothingIsStored(string db, string body, string field)
    {
        var (app, plan) = await AppWithTwoEntriesAsync(db);
        await using var _ = app;
        using var coordinator = app.Client(Role.Coordinator);
        var json = body.Replace("\"PLAN\"", $"\"{plan}\"").Replace("TOO_LONG", new string('x', 60_001));
        var problem = await ProblemAssert.IsProblem(await coordinator.PostAsync("/api/v1/situation-reports", new StringContent(json, Encoding.UTF8, "application/json")),
            HttpStatusCode.UnprocessableEntity);
        Assert.NotEmpty(problem.FieldErrors(field));
        Assert.Empty((await coordinator.GetFromJsonAsync<List<SituationReportView>>("/api/v1/situation-reports", Json.Options))!);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task BrokenJsonBrokenUtf8AndAHugeBodyAreRefusedWithAProblem(string db)
    {
        var (app, plan) = await AppWithTwoEntriesAsync(db);
        await using var _ = app;
        using var coordinator = app.Client(Role.Coordinator);
        await ProblemAssert.IsProblem(await coordinator.PostAsync("/api/v1/situation-reports", new StringContent("{\"title\":", Encoding.UTF8, "application/json")), HttpStatusCode.BadRequest);
        var broken = new ByteArrayContent([.. Encoding.UTF8.GetBytes($"{{\"agreement\":\"{plan}\",\"title\":\"T"), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}")]);
        broken.Headers.ContentType = new("application/json");
        await ProblemAssert.IsProblem(await coordinator.PostAsync("/api/v1/situation-reports", broken), HttpStatusCode.BadRequest);
        var huge = new StringContent($"{{\"agreement\":\"{plan}\",\"text\":\"{new string('x', SituationReportsApi.MaxBodyBytes)}\"}}", Encoding.UTF8, "application/json");
        await ProblemAssert.IsProblem(await coordinator.PostAsync("/api/v1/situation-reports", huge), HttpStatusCode.RequestEntityTooLarge);
        Assert.Empty((await coordinator.GetFromJsonAsync<List<SituationReportView>>("/api/v1/situation-reports", Json.Options))!);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task TheCentreWritesAndPublishesWithThePlainFormsAndTheArabicReportReadsRightToLeft(string db)
    {
        var (app, plan) = await AppWithTwoEntriesAsync(db);
        await using var _ = app;
        using var coordinator = await FormSignIn.ClientAsync(app, Role.Coordinator);
        var today = DateOnly.FromDateTime(app.Clock.GetUtcNow().UtcDateTime);
        var fields = new Dictionary<string, string>
        {
            ["Form.Agreement"] = plan, ["Form.Title"] = "تقرير الوضع الأسبوعي (محاكاة)", ["Form.PeriodFrom"] = today.AddDays(-6).ToString("yyyy-MM-dd"),
            ["Form.PeriodTo"] = today.ToString("yyyy-MM-dd"), ["Form.Language"] = "ar", ["Form.Classification"] = "public", ["Form.Citations"] = "0, #1",
            ["Form.Text"] = "بدأ تنفيذ بندين هذا الأسبوع.",
        };
        var bad = await FormSignIn.PostFormAsync(coordinator, "/situation-reports/new", null, new Dictionary<string, string>(fields) { ["Form.Citations"] = "zero" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("citations: &#x27;zero&#x27; is not a log entry number", await bad.Content.ReadAsStringAsync());
        var saved = await FormSignIn.PostFormAsync(coordinator, "/situation-reports/new", null, fields);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var detail = saved.Headers.Location!.ToString();
        Assert.Equal(HttpStatusCode.Redirect, (await FormSignIn.PostFormAsync(coordinator, detail, "Publish", [])).StatusCode);
        Assert.Contains("data-testid=\"situation-report-entry\"", await coordinator.GetStringAsync(detail));

        // A monitor reads the list but has no form to write one, and a post is refused.
        using var monitor = await FormSignIn.ClientAsync(app, Role.Monitor);
        Assert.DoesNotContain("data-testid=\"new-situation-report\"", await monitor.GetStringAsync("/situation-reports"));
        var refused = await monitor.PostAsync("/situation-reports/new", new FormUrlEncodedContent(new Dictionary<string, string>(fields)
            { ["__RequestVerificationToken"] = FormSignIn.Antiforgery(await monitor.GetStringAsync("/situation-reports")) }));
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("/account/denied", refused.Headers.Location!.ToString());

        var page = WebUtility.HtmlDecode(await app.Client().GetStringAsync($"/public/reports/{detail.Split('/')[^1]}?lang=en"));
        Assert.Contains("<div class=\"report-text\" lang=\"ar\" dir=\"rtl\" data-testid=\"report-text\">", page);
        Assert.Contains("بدأ تنفيذ بندين هذا الأسبوع.", page);
    }
}
