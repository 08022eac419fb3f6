using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Grievances;

/// <summary>Complaints over HTTP on both databases: every channel, the tracking code, the officers' steps, routing and deadlines.</summary>
public sealed partial class GrievanceTests(Apps apps)
{
    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static HttpClient Browser(TestApp app) =>
        new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = app.Address };

    /// <summary>Files a complaint on the public page as a phone without JavaScript would, and reads the code it shows.</summary>
    public static async Task<string> FileOnThePageAsync(TestApp app, string category, string text, string? contact = null, string? governorate = null)
    {
        using var client = Browser(app);
        var response = await FormSignIn.PostFormAsync(client, "/complaint", null, new Dictionary<string, string>
        {
            ["category"] = category, ["text"] = text, ["contact"] = contact ?? "", ["governorate"] = governorate ?? "",
        });
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, html + "\n" + string.Join("\n", app.Logs.Lines.Where(l => l.StartsWith("Error", StringComparison.Ordinal)).TakeLast(2)));
        return TrackingCode().Match(html).Groups[1].Value;
    }

    private static async Task<Guid> IdOfAsync(TestApp app, string code)
    {
        await using var db = app.OpenDb();
        var hash = TestApp.PersonalDataKey.Fingerprint(code);
        return (await db.Grievances.SingleAsync(g => g.TrackingHash == hash)).Id;
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AComplaintOnThePublicPageIsStoredEncryptedAndItsCodeShowsOnlyItsStateAndAnswer(string db)
    {
        var app = await apps.Get(db);
        var marker = Guid.NewGuid().ToString("N")[..10];
        var code = await FileOnThePageAsync(app, "aidDistribution", $"The food parcels ran out before our street ({marker})", $"+970 59 {marker}");
        Assert.Matches("^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$", code);

        // At rest: neither the text nor the contact in clear, and not the code either (only its keyed hash).
        await using (var ctx = app.OpenDb())
        {
            var hash = TestApp.PersonalDataKey.Fingerprint(code);
            var row = await ctx.Grievances.SingleAsync(g => g.TrackingHash == hash);
            Assert.DoesNotContain(marker, row.Text);
            Assert.DoesNotContain(marker, row.Contact);
            Assert.StartsWith("pd1:", row.Text);
            Assert.NotEqual(code, row.TrackingHash);
            Assert.Equal(("Received", "Web", "ar"), (row.State.ToString(), row.Channel.ToString(), row.Language));
        }

        using var anyone = app.Client();
        var tracked = JsonNode.Parse(await anyone.GetStringAsync($"/api/v1/grievances/track/{code.ToLowerInvariant().Replace("-", " ")}"))!.AsObject();
        Assert.Equal(("received", "aidDistribution", code), ((string?)tracked["state"], (string?)tracked["category"], (string?)tracked["code"]));
        // Only its state and answer: not the text, not the contact, not who handles it.
        Assert.DoesNotContain(marker, tracked.ToJsonString());
        Assert.Subset(new HashSet<string> { "acknowledgedAt", "canAppeal", "canClose", "category", "closedAt", "code", "receivedAt", "respondBy", "respondedAt", "response", "satisfied", "state" },
            tracked.Select(p => p.Key).ToHashSet());

        // The grievance officer of the receiving organisation reads it all; other roles are refused, administrators included.
        var id = await IdOfAsync(app, code);
        using var officer = app.Client(Role.GrievanceOfficer);
        var view = JsonNode.Parse(await officer.GetStringAsync($"/api/v1/grievances/{id}"))!;
        Assert.Equal(($"The food parcels ran out before our street ({marker})", $"+970 59 {marker}", false), ((string?)view["text"], (string?)view["contact"], (bool)view["anonymous"]!));
        Assert.Contains(JsonNode.Parse(await officer.GetStringAsync("/api/v1/grievances"))!.AsArray(), g => (string?)g!["id"] == id.ToString());
        foreach (var role in new[] { Role.Administrator, Role.Coordinator, Role.Verifier, Role.PartyLiaison, Role.Analyst, Role.Donor, Role.Agency })
        {
            using var other = app.Client(role);
            var refused = await other.GetAsync($"/api/v1/grievances/{id}");
            await ProblemAssert.IsProblem(refused, HttpStatusCode.Forbidden);
            Assert.DoesNotContain(marker, await refused.Content.ReadAsStringAsync());
        }
        // An administrator cannot make themselves a way in: no grievance accounts nor tokens over the API.
        using (var administrator = app.Client(Role.Administrator))
        {
            var token = await ProblemAssert.IsProblem(await administrator.PostAsync("/api/v1/tokens", Json(new { email = TestApp.Email(Role.GrievanceOfficer), name = "peek" })), HttpStatusCode.Forbidden);
            Assert.StartsWith("Tokens for the grievance roles are made at the console", token.GetProperty("detail").GetString());
            await ProblemAssert.IsProblem(await administrator.PostAsync("/api/v1/users", Json(new
            {
                email = $"peek-{Guid.NewGuid():N}@test.example", displayName = "Peek", role = "safeguarding-officer", organisation = "Participating test organisation", password = TestApp.Password,
            })), HttpStatusCode.Forbidden);
        }
        // The safeguarding officer of the same organisation does not handle ordinary complaints either.
        using var safeguarding = app.Client(Role.SafeguardingOfficer);
        await ProblemAssert.IsProblem(await safeguarding.GetAsync($"/api/v1/grievances/{id}"), HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AWrongOrMalformedCodeRevealsNothingAndGuessingIsRateLimited(string db)
    {
        await using var app = await TestApp.StartAsync(db, trackingPerMinute: 5);
        using var anyone = app.Client();
        var unknown = await ProblemAssert.IsProblem(await anyone.GetAsync("/api/v1/grievances/track/ABCDE-FGHJK"), HttpStatusCode.NotFound);
        var malformed = await ProblemAssert.IsProblem(await anyone.GetAsync("/api/v1/grievances/track/not-a-code"), HttpStatusCode.NotFound);
        Assert.Equal(unknown.GetProperty("detail").GetString(), malformed.GetProperty("detail").GetString());
        Assert.Equal("No complaint has this tracking code. Check it and try again.", unknown.GetProperty("detail").GetString());
        // The page answers the same way, in a form post (the code never in an address).
        using var page = Browser(app);
        var html = WebUtility.HtmlDecode(await (await FormSignIn.PostFormAsync(page, "/complaint/track", null, new Dictionary<string, string> { ["code"] = "ZZZZZ-ZZZZZ" })).Content.ReadAsStringAsync());
        Assert.Contains("data-testid=\"track-error\"", html);
        // Five tries a minute from this address here, the page's (its form and its post) counted with the API's: the sixth is refused, whatever the code.
        await ProblemAssert.IsProblem(await anyone.GetAsync("/api/v1/grievances/track/ABCDE-FGHJK"), HttpStatusCode.NotFound);
        var last = await anyone.GetAsync("/api/v1/grievances/track/ABCDE-FGHJK");
        var limited = await ProblemAssert.IsProblem(last, HttpStatusCode.TooManyRequests);
        Assert.Equal("Too many tracking codes were tried from this address; wait a minute and try again.", limited.GetProperty("detail").GetString());
        Assert.Equal("60", last.Headers.RetryAfter?.ToString());
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task DeadlinesFollowTheAgreementsSeverityTableAndAMissedOneEscalatesToTheSupervisors(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        await app.ImportGazaPlanAsync();
        using var admin = app.Client(Role.Administrator);
        var set = await admin.PutAsync("/api/v1/grievances/deadlines", Json(new[]
        {
            new { severity = "medium", acknowledgeHours = 2, respondHours = 10 }, new { severity = "critical", acknowledgeHours = 1, respondHours = 3 },
        }));
        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        var bad = await ProblemAssert.IsProblem(await admin.PutAsync("/api/v1/grievances/deadlines", Json(new[] { new { severity = "urgent", acknowledgeHours = 2, respondHours = 1 } })),
            HttpStatusCode.UnprocessableEntity);
        Assert.Contains("is low, medium, high or critical", bad.GetProperty("errors").GetProperty("[0].severity")[0].GetString());
        using (var officerOnly = app.Client(Role.GrievanceOfficer))
        {
            await ProblemAssert.IsProblem(await officerOnly.PutAsync("/api/v1/grievances/deadlines", Json(Array.Empty<object>())), HttpStatusCode.Forbidden);
        }

        // A monitor writes down a complaint made to them in person; it goes to the grievance officers.
        using var monitor = app.Client(Role.Monitor);
        var entered = await monitor.PostAsync("/api/v1/grievances", Json(new { channel = "inPerson", category = "access", text = "Turned back at the checkpoint three times (simulated)", language = "en" }));
        Assert.Equal(HttpStatusCode.Created, entered.StatusCode);
        var receipt = JsonNode.Parse(await entered.Content.ReadAsStringAsync())!;
        var id = (Guid)receipt["id"]!;
        Assert.Equal(TestClock.Default.UtcDateTime.AddHours(2), (DateTime)receipt["acknowledgeBy"]!);
        Assert.Equal(TestClock.Default.UtcDateTime.AddHours(10), (DateTime)receipt["respondBy"]!);
        await ProblemAssert.IsProblem(await monitor.PostAsync("/api/v1/grievances", Json(new { channel = "web", category = "access", text = "x" })), HttpStatusCode.UnprocessableEntity);

        using var supervisor = app.Client(Role.GrievanceSupervisor);
        Assert.Equal(0, (int)JsonNode.Parse(await (await supervisor.PostAsync("/api/v1/grievances/escalations", null)).Content.ReadAsStringAsync())!["escalated"]!);
        app.Clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
        Assert.Equal(1, (int)JsonNode.Parse(await (await supervisor.PostAsync("/api/v1/grievances/escalations", null)).Content.ReadAsStringAsync())!["escalated"]!);
        Assert.Equal(0, (int)JsonNode.Parse(await (await supervisor.PostAsync("/api/v1/grievances/escalations", null)).Content.ReadAsStringAsync())!["escalated"]!);
        var escalated = JsonNode.Parse(await supervisor.GetStringAsync("/api/v1/grievances?escalated=true"))!.AsArray();
        Assert.Equal(id.ToString(), (string?)Assert.Single(escalated)!["id"]);
        Assert.True((bool)escalated[0]!["overdue"]!);
        // It is on the dashboard, under what is past a deadline.
        using var pages = await FormSignIn.ClientAsync(app, Role.GrievanceSupervisor);
        var dashboard = await pages.GetStringAsync("/grievances");
        Assert.Contains($"href=\"/grievances/{id}\"", dashboard[dashboard.IndexOf("data-testid=\"grievances-escalated\"", StringComparison.Ordinal)..]);

        // Triage as critical: the deadlines follow from when it was received; past them, it stays escalated.
        using var officer = app.Client(Role.GrievanceOfficer);
        var unknown = await ProblemAssert.IsProblem(await officer.PostAsync($"/api/v1/grievances/{id}/acknowledge", Json(new { severity = "critical", provision = "NO-SUCH" })),
            HttpStatusCode.UnprocessableEntity);
        Assert.Equal("'NO-SUCH' is not a provision you may see", unknown.GetProperty("errors").GetProperty("provision")[0].GetString());
        var acknowledged = JsonNode.Parse(await (await officer.PostAsync($"/api/v1/grievances/{id}/acknowledge", Json(new { severity = "critical", provision = "P2-GRIEVANCES" }))).Content.ReadAsStringAsync())!;
        Assert.Equal(("acknowledged", "critical", "P2-GRIEVANCES"), ((string?)acknowledged["state"], (string?)acknowledged["severity"], (string?)acknowledged["provision"]));
        Assert.Equal(TestClock.Default.UtcDateTime.AddHours(3), (DateTime)acknowledged["respondBy"]!);
        var twice = await ProblemAssert.IsProblem(await officer.PostAsync($"/api/v1/grievances/{id}/acknowledge", Json(new { severity = "low" })), HttpStatusCode.Conflict);
        Assert.Equal("A complaint that is acknowledged cannot be acknowledged; it can be from received or referred.", twice.GetProperty("detail").GetString());
        // The history records each step, the escalation with the deadline it missed.
        var history = acknowledged["history"]!.AsArray().Select(e => (string?)e!["kind"]).ToList();
        Assert.Equal(["received", "escalated", "acknowledged"], history);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AReferralHandsTheCaseAndTheContactOnADeclineBringsItBackAndTheComplainantAppealsTheAnswer(string db)
    {
        var app = await apps.Get(db);
        var second = $"Second agency {Guid.NewGuid():N}"[..24] + " (simulated)";
        var email = $"officer-{Guid.NewGuid():N}@second.example";
        using var secondOfficer = app.Client();
        await using (var ctx = app.OpenDb())
        {
            Assert.True((await Truceline.Web.Access.Accounts.AddUserAsync(ctx, new(email, "Second officer", "grievance-officer", second, TestApp.Password), app.Clock)).Succeeded);
            secondOfficer.DefaultRequestHeaders.Authorization = new("Bearer", (await Truceline.Web.Access.Accounts.CreateTokenAsync(ctx, email, "t", null, app.Clock)).Value!.Token);
        }
        var code = await FileOnThePageAsync(app, "property", "Our house was occupied (simulated)", "Umm Ahmad, 059-000-1111");
        var id = await IdOfAsync(app, code);
        using var officer = app.Client(Role.GrievanceOfficer);
        await ProblemAssert.IsProblem(await secondOfficer.GetAsync($"/api/v1/grievances/{id}"), HttpStatusCode.NotFound);
        // Not to an organisation with no one to receive it: the complaint would have no reader at all.
        var nobody = await ProblemAssert.IsProblem(await officer.PostAsync($"/api/v1/grievances/{id}/refer", Json(new { organisation = "Outside organisation (donor)", reason = "x" })),
            HttpStatusCode.UnprocessableEntity);
        Assert.Equal("'Outside organisation (donor)' has no grievance officer to receive the complaint", nobody.GetProperty("errors").GetProperty("organisation")[0].GetString());
        var noReason = await ProblemAssert.IsProblem(await officer.PostAsync($"/api/v1/grievances/{id}/refer", Json(new { organisation = second })), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("is required", noReason.GetProperty("errors").GetProperty("reason")[0].GetString());
        var referred = JsonNode.Parse(await (await officer.PostAsync($"/api/v1/grievances/{id}/refer", Json(new { organisation = second, reason = "Housing is theirs" }))).Content.ReadAsStringAsync())!;
        // The referring officer still follows the case, but no longer reads the contact nor acts on it.
        Assert.Equal(("referred", second), ((string?)referred["state"], (string?)referred["handlingOrganisation"]));
        Assert.Null((string?)referred["contact"]);
        await ProblemAssert.IsProblem(await officer.PostAsync($"/api/v1/grievances/{id}/respond", Json(new { response = "x" })), HttpStatusCode.Forbidden);
        var theirs = JsonNode.Parse(await secondOfficer.GetStringAsync($"/api/v1/grievances/{id}"))!;
        Assert.Equal("Umm Ahmad, 059-000-1111", (string?)theirs["contact"]);

        var declined = JsonNode.Parse(await (await secondOfficer.PostAsync($"/api/v1/grievances/{id}/decline", Json(new { reason = "Not in our area" }))).Content.ReadAsStringAsync())!;
        // Declined: the case is no longer theirs to read.
        Assert.True((bool?)declined["handedOver"] == true, declined.ToJsonString());
        await ProblemAssert.IsProblem(await secondOfficer.GetAsync($"/api/v1/grievances/{id}"), HttpStatusCode.NotFound);
        declined = JsonNode.Parse(await officer.GetStringAsync($"/api/v1/grievances/{id}"))!;
        Assert.Equal(("acknowledged", "Participating test organisation"), ((string?)declined["state"], (string?)declined["handlingOrganisation"]));
        Assert.Equal("Umm Ahmad, 059-000-1111", (string?)JsonNode.Parse(await officer.GetStringAsync($"/api/v1/grievances/{id}"))!["contact"]);
        await ProblemAssert.IsProblem(await officer.PostAsync($"/api/v1/grievances/{id}/decline", Json(new { reason = "x" })), HttpStatusCode.Conflict);

        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsync($"/api/v1/grievances/{id}/respond", Json(new { response = "A housing officer will visit on Sunday." }))).StatusCode);
        using var anyone = app.Client();
        var tracked = JsonNode.Parse(await anyone.GetStringAsync($"/api/v1/grievances/track/{code}"))!;
        Assert.Equal(("responded", "A housing officer will visit on Sunday.", true, true), ((string?)tracked["state"], (string?)tracked["response"], (bool)tracked["canClose"]!, (bool)tracked["canAppeal"]!));
        await ProblemAssert.IsProblem(await anyone.PostAsync($"/api/v1/grievances/track/{code}/appeal", Json(new { reason = "" })), HttpStatusCode.UnprocessableEntity);
        var appealed = JsonNode.Parse(await (await anyone.PostAsync($"/api/v1/grievances/track/{code}/appeal", Json(new { reason = "Nobody came (simulated)" }))).Content.ReadAsStringAsync())!;
        Assert.Equal("appealed", (string?)appealed["state"]);
        var reopened = JsonNode.Parse(await officer.GetStringAsync($"/api/v1/grievances/{id}"))!;
        Assert.Equal("Nobody came (simulated)", (string?)reopened["history"]!.AsArray().Last()!["note"]);
        await using (var ctx = app.OpenDb())
        {
            Assert.DoesNotContain(await ctx.GrievanceEvents.Where(e => e.GrievanceId == id).Select(e => e.Note).ToListAsync(), n => n != null && n.Contains("Nobody came"));
        }
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsync($"/api/v1/grievances/{id}/respond", Json(new { response = "The visit is booked for Tuesday." }))).StatusCode);
        var closed = JsonNode.Parse(await (await anyone.PostAsync($"/api/v1/grievances/track/{code}/close", Json(new { satisfied = true }))).Content.ReadAsStringAsync())!;
        Assert.Equal(("closed", true), ((string?)closed["state"], (bool?)closed["satisfied"]));
        await ProblemAssert.IsProblem(await anyone.PostAsync($"/api/v1/grievances/track/{code}/close", Json(new { satisfied = true })), HttpStatusCode.Conflict);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ASafeguardingComplaintReachesOnlyTheSafeguardingOfficersEvenWhenAnOfficerRecategorisesOne(string db)
    {
        var app = await apps.Get(db);
        var code = await FileOnThePageAsync(app, "safeguarding", "A distributor asked for favours (simulated)");
        var id = await IdOfAsync(app, code);
        using var safeguarding = app.Client(Role.SafeguardingOfficer);
        var view = JsonNode.Parse(await safeguarding.GetStringAsync($"/api/v1/grievances/{id}"))!;
        Assert.Equal((true, "high", true), ((bool)view["sensitive"]!, (string?)view["severity"], (bool)view["anonymous"]!));
        foreach (var role in new[] { Role.GrievanceOfficer, Role.GrievanceSupervisor })
        {
            using var other = app.Client(role);
            await ProblemAssert.IsProblem(await other.GetAsync($"/api/v1/grievances/{id}"), HttpStatusCode.NotFound);
            Assert.DoesNotContain(JsonNode.Parse(await other.GetStringAsync("/api/v1/grievances"))!.AsArray(), g => (string?)g!["id"] == id.ToString());
        }

        // An SMS arrives as "other"; the officer who reads it sees it is a safeguarding case and hands it over, history and all.
        var ordinary = await IdOfAsync(app, await FileOnThePageAsync(app, "other", "Threatened at the distribution point (simulated)"));
        using var officer = app.Client(Role.GrievanceOfficer);
        var handed = JsonNode.Parse(await (await officer.PostAsync($"/api/v1/grievances/{ordinary}/acknowledge", Json(new { severity = "critical", category = "safeguarding" }))).Content.ReadAsStringAsync())!;
        Assert.True((bool)handed["handedOver"]!);
        await ProblemAssert.IsProblem(await officer.GetAsync($"/api/v1/grievances/{ordinary}"), HttpStatusCode.NotFound);
        var now = JsonNode.Parse(await safeguarding.GetStringAsync($"/api/v1/grievances/{ordinary}"))!;
        Assert.Equal(["received", "acknowledged"], now["history"]!.AsArray().Select(e => (string?)e!["kind"]));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AnArabicSmsIsOneComplaintWhateverTheRedeliveriesAndIsAnsweredBySmsInArabic(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        using var gateway = app.Client(Role.Monitor);
        var messageId = "SM" + Guid.NewGuid().ToString("N");
        FormUrlEncodedContent Sms(string body, string id) => new(new Dictionary<string, string> { ["From"] = "+970599000123", ["Body"] = body, ["MessageSid"] = id });
        var first = JsonNode.Parse(await (await gateway.PostAsync("/api/v1/grievances/sms/inbound", Sms("لم نستلم الطرود الغذائية منذ أسبوعين في حي الشجاعية", messageId))).Content.ReadAsStringAsync())!;
        Assert.Equal((false, true), ((bool)first["duplicate"]!, (bool)first["replied"]!));
        var again = JsonNode.Parse(await (await gateway.PostAsync("/api/v1/grievances/sms/inbound", Sms("لم نستلم الطرود الغذائية منذ أسبوعين في حي الشجاعية", messageId))).Content.ReadAsStringAsync())!;
        Assert.Equal(((string?)first["grievance"], true, false), ((string?)again["grievance"], (bool)again["duplicate"]!, (bool)again["replied"]!));
        var sent = (await File.ReadAllLinesAsync(app.SmsOutbox)).Select(l => JsonNode.Parse(l)!).ToList();
        var receipt = Assert.Single(sent);
        Assert.Equal("+970599000123", (string?)receipt["to"]);
        Assert.StartsWith("تم استلام شكواك. رمز المتابعة: ", (string?)receipt["text"]);
        var code = TrackingCodeInText().Match((string)receipt["text"]!).Value;

        // The number is kept encrypted, to answer; the officer sees it marked as SMS; the complaint's language is Arabic.
        using var officer = app.Client(Role.GrievanceOfficer);
        var id = (string)first["grievance"]!;
        var view = JsonNode.Parse(await officer.GetStringAsync($"/api/v1/grievances/{id}"))!;
        Assert.Equal(("sms", "ar", "other", "SMS +970599000123"), ((string?)view["channel"], (string?)view["language"], (string?)view["category"], (string?)view["contact"]));
        await using (var ctx = app.OpenDb())
        {
            Assert.DoesNotContain("970599000123", (await ctx.Grievances.SingleAsync(g => g.Id == Guid.Parse(id))).ReplyTo);
        }

        // The answer goes out by SMS; the code sent on its own asks for the state.
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsync($"/api/v1/grievances/{id}/respond", Json(new { response = "ستصل الطرود يوم الأحد إلى مركز التوزيع." }))).StatusCode);
        await gateway.PostAsync("/api/v1/grievances/sms/inbound", Sms("متابعة " + code, "SM" + Guid.NewGuid().ToString("N")));
        sent = (await File.ReadAllLinesAsync(app.SmsOutbox)).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(3, sent.Count);
        Assert.Contains("ستصل الطرود يوم الأحد إلى مركز التوزيع.", (string?)sent[1]["text"]);
        Assert.Equal($"الشكوى {code}: تم الرد. الرد: ستصل الطرود يوم الأحد إلى مركز التوزيع.", (string?)sent[2]["text"]);
        await using (var ctx = app.OpenDb())
        {
            Assert.Equal(1, await ctx.Grievances.CountAsync());
        }
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AnswersBySmsArePostedToTheOperatorsGatewayAndAFailingGatewayLosesNothing(string db)
    {
        // A stand-in for the operator's SMS provider: it takes what Truceline posts, and refuses the second message.
        using var gatewayServer = new HttpListener();
        var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        gatewayServer.Prefixes.Add($"http://127.0.0.1:{port}/sms/");
        gatewayServer.Start();
        var received = new List<JsonNode>();
        var serving = Task.Run(async () =>
        {
            for (var i = 0; i < 2; i++)
            {
                var ctx = await gatewayServer.GetContextAsync();
                using (var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8))
                {
                    received.Add(JsonNode.Parse(await reader.ReadToEndAsync())!);
                }
                ctx.Response.StatusCode = i == 0 ? 202 : 500;
                ctx.Response.Close();
            }
        });
        await using var app = await TestApp.StartAsync(db, smsOutbound: $"http://127.0.0.1:{port}/sms/send");
        using var gateway = app.Client(Role.Monitor);
        FormUrlEncodedContent Sms(string body) => new(new Dictionary<string, string> { ["from"] = "+970599111222", ["text"] = body, ["message_id"] = Guid.NewGuid().ToString() });
        var first = JsonNode.Parse(await (await gateway.PostAsync("/api/v1/grievances/sms/inbound", Sms("The clinic has been closed for a month (simulated)"))).Content.ReadAsStringAsync())!;
        var second = await gateway.PostAsync("/api/v1/grievances/sms/inbound", Sms("No bread at the bakery (simulated)"));
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        await serving.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(("+970599111222", true), ((string?)received[0]["to"], ((string)received[0]["text"]!).StartsWith("Your complaint was received. Tracking code: ", StringComparison.Ordinal)));
        // The gateway refused the second answer: the complaint is stored all the same, and the log says so without the number.
        await using (var ctx = app.OpenDb())
        {
            Assert.Equal(2, await ctx.Grievances.CountAsync());
        }
        Assert.Contains(app.Logs.Lines, l => l.Contains("could not be handed to the outbound gateway", StringComparison.Ordinal));
        Assert.DoesNotContain(app.Logs.Lines, l => l.Contains("970599111222", StringComparison.Ordinal));
        Assert.Equal("en", (string?)JsonNode.Parse(await app.Client(Role.GrievanceOfficer).GetStringAsync($"/api/v1/grievances/{first["grievance"]}"))!["language"]);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task StaffWriteDownAComplaintOnAPageAndReadTheCodeBack(string db)
    {
        var app = await apps.Get(db);
        using var monitor = await FormSignIn.ClientAsync(app, Role.Monitor);
        var response = await FormSignIn.PostFormAsync(monitor, "/grievances/new", null, new Dictionary<string, string>
        {
            ["channel"] = "inPerson", ["language"] = "ar", ["category"] = "detention", ["text"] = "ابني محتجز منذ ثلاثة أيام (محاكاة)", ["contact"] = "أبو سامي",
        });
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var code = Regex.Match(html, "data-testid=\"entry-code\">([^<]+)<").Groups[1].Value;
        var view = JsonNode.Parse(await app.Client(Role.GrievanceOfficer).GetStringAsync($"/api/v1/grievances/{await IdOfAsync(app, code)}"))!;
        Assert.Equal(("inPerson", "detention", "ar", "أبو سامي"), ((string?)view["channel"], (string?)view["category"], (string?)view["language"], (string?)view["contact"]));
        // Roles that do not meet civilians may not: the page refuses them.
        using var donor = await FormSignIn.ClientAsync(app, Role.Donor);
        var refused = await donor.GetAsync("/grievances/new");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/account/denied", refused.Headers.Location!.PathAndQuery);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task HostileSmsAndFormsAreRefusedWithAProblemAndStoreNothing(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        using var gateway = app.Client(Role.Monitor);
        var broken = new ByteArrayContent([.. Encoding.ASCII.GetBytes("From=%2B970599&MessageSid=x1&Body="), 0xC3, 0x28, 0xFF]);
        broken.Headers.ContentType = new("application/x-www-form-urlencoded");
        var refused = await ProblemAssert.IsProblem(await gateway.PostAsync("/api/v1/grievances/sms/inbound", broken), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("UTF-8", refused.ToString());
        var huge = new StringContent("From=1&MessageSid=x2&Body=" + new string('a', 70_000), Encoding.ASCII, "application/x-www-form-urlencoded");
        var tooBig = await ProblemAssert.IsProblem(await gateway.PostAsync("/api/v1/grievances/sms/inbound", huge), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("must be at most 64 KiB", tooBig.GetProperty("errors").GetProperty("body")[0].GetString());
        var noId = await ProblemAssert.IsProblem(await gateway.PostAsync("/api/v1/grievances/sms/inbound",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["From"] = "1", ["Body"] = "hello" })), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("message_id", noId.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        using var anyone = app.Client();
        await ProblemAssert.IsProblem(await anyone.PostAsync("/api/v1/grievances/sms/inbound", new FormUrlEncodedContent(new Dictionary<string, string>())), HttpStatusCode.Unauthorized);

        // The page: a text too long, a category that is not one, a governorate that is not one.
        using var page = Browser(app);
        var tooLong = await FormSignIn.PostFormAsync(page, "/complaint", null, new Dictionary<string, string> { ["category"] = "access", ["text"] = new string('x', 4_001) });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        Assert.Contains("text: is required: what happened, in at most 4000 characters", WebUtility.HtmlDecode(await tooLong.Content.ReadAsStringAsync()));
        var wrong = await FormSignIn.PostFormAsync(page, "/complaint", null, new Dictionary<string, string> { ["category"] = "1", ["text"] = "x", ["governorate"] = "<script>" });
        var html = WebUtility.HtmlDecode(await wrong.Content.ReadAsStringAsync());
        Assert.Contains("category: is required: one of aidDistribution, access, conduct, property, detention, services, other, safeguarding", html);
        Assert.Contains("governorate: '<script>' is not a governorate code", html);
        Assert.DoesNotContain("<script>' is not", await wrong.Content.ReadAsStringAsync());
        await using var ctx = app.OpenDb();
        Assert.Equal(0, await ctx.Grievances.CountAsync());
        Assert.Equal(0, await ctx.GrievanceEvents.CountAsync());
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task EachFinishedDaysFiguresBecomeObservationsOfThePlanMetricsThatFollowThemOnce(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        var plan = await app.ImportGazaPlanAsync();
        using var admin = app.Client(Role.Administrator);
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsync("/api/v1/grievances/deadlines", Json(new[] { new { severity = "medium", acknowledgeHours = 1, respondHours = 1 } }))).StatusCode);
        var codes = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            codes.Add(await FileOnThePageAsync(app, "services", $"No water for a week (simulated {i})"));
        }
        using var officer = app.Client(Role.GrievanceOfficer);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsync($"/api/v1/grievances/{await IdOfAsync(app, codes[0])}/respond", Json(new { response = "A tanker comes tomorrow." }))).StatusCode);
        app.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsync($"/api/v1/grievances/{await IdOfAsync(app, codes[1])}/respond", Json(new { response = "A tanker came." }))).StatusCode);
        using var supervisor = app.Client(Role.GrievanceSupervisor);
        // The day is not over: nothing is recorded for it yet.
        Assert.Equal(0, (int)JsonNode.Parse(await (await supervisor.PostAsync("/api/v1/grievances/escalations", null)).Content.ReadAsStringAsync())!["observations"]!);
        app.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(2, (int)JsonNode.Parse(await (await supervisor.PostAsync("/api/v1/grievances/escalations", null)).Content.ReadAsStringAsync())!["observations"]!);
        Assert.Equal(0, (int)JsonNode.Parse(await (await supervisor.PostAsync("/api/v1/grievances/escalations", null)).Content.ReadAsStringAsync())!["observations"]!);

        var provision = await app.ProvisionIdAsync(plan, "P2-GRIEVANCES");
        using var analyst = app.Client(Role.Analyst);
        var metrics = JsonNode.Parse(await analyst.GetStringAsync($"/api/v1/provisions/{provision}"))!["metrics"]!.AsArray();
        (string? Day, double Value, string? Verification) Only(string code)
        {
            var o = Assert.Single(metrics.Single(m => (string?)m!["code"] == code)!["observations"]!.AsArray())!;
            return ((string?)o["observedOn"], (double)o["value"]!, (string?)o["verification"]);
        }
        Assert.Equal(("2026-11-21", 3.0, "unverified"), Only("GRIEVANCES-RECEIVED"));
        // Three fell due on the day (an hour each); one was answered in time.
        Assert.Equal(("2026-11-21", 33.3, "unverified"), Only("GRIEVANCES-ON-TIME"));
        // Public metrics: the observations are published, and so reach open data.
        Assert.Contains("GRIEVANCES-ON-TIME", await app.Client().GetStringAsync("/api/v1/open/metric-observation.csv"));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ThePublicFiguresAreCountsWithSmallOnesLeftOut(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        for (var i = 0; i < 5; i++)
        {
            await FileOnThePageAsync(app, "access", $"Road closed (simulated {i})");
        }
        await FileOnThePageAsync(app, "property", "House damaged (simulated)", "+970 59 000 0000");
        using var anyone = app.Client();
        var figures = JsonNode.Parse(await anyone.GetStringAsync("/api/v1/open/grievances"))!;
        // Six received, published as 5: every count rounded to the nearest 5, so that the left-out one cannot be found by subtraction.
        Assert.Equal((5, 0, 5), ((int)figures["received"]!, (int)figures["answered"]!, (int)figures["suppressedBelow"]!));
        var byCategory = figures["byCategory"]!.AsArray().ToDictionary(r => (string)r!["key"]!, r => r!);
        Assert.Equal(5, (int?)byCategory["access"]!["received"]);
        // One property complaint: left out, so that it cannot point to its author.
        Assert.Null((int?)byCategory["property"]!["received"]);
        Assert.DoesNotContain("000 0000", figures.ToJsonString());
        var page = WebUtility.HtmlDecode(await anyone.GetStringAsync("/public/grievances?lang=ar"));
        Assert.Contains("<td>أقل من 5</td>", page);
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", page);
    }

    [GeneratedRegex("data-testid=\"tracking-code\"><strong class=\"ltr\">([^<]+)</strong>")]
    private static partial Regex TrackingCode();

    [GeneratedRegex("[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}")]
    private static partial Regex TrackingCodeInText();
}
