using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Incidents;
using Truceline.Web.Access;
using Truceline.Web.Incidents;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Incidents;

public sealed class IncidentTests(Apps apps)
{
    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>A report of a unique event type, so this test's incidents are its own in the shared app.</summary>
    private static string Report(string type, double lat, double lon, string day, string sourceType = "civilian", string? identity = null, int geo = 1,
        string parties = "\"israel\"", string? source = null) =>
        $$"""
        {"clientId":"{{Guid.NewGuid():N}}","sourceType":"{{sourceType}}","sourceIdentity":{{(identity is null ? "null" : $"\"{identity}\"")}},
         "source":{{(source is null ? "null" : $"\"{source}\"")}},"occurredOn":"{{day}}","latitude":{{lat.ToString(System.Globalization.CultureInfo.InvariantCulture)}},
         "longitude":{{lon.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"geoPrecision":{{geo}},"eventType":"{{type}}","allegedParties":[{{parties}}]}
        """;

    private static async Task<List<IncidentSummary>> IncidentsOfTypeAsync(HttpClient client, string type) =>
        (await client.GetFromJsonAsync<IncidentPage>($"/api/v1/incidents?eventType={Uri.EscapeDataString(type)}&limit=500", Json.Options))!.Items.ToList();

    private static async Task<Guid> IncidentAsync(TestApp app, string type)
    {
        await app.EnsureGovernoratesAsync();
        using var monitor = app.Client(Role.Monitor);
        Assert.Equal(HttpStatusCode.Created, (await monitor.PostAsync("/api/v1/reports", Body(Report(type, 31.3462, 34.3063, "2026-11-18", "monitorPatrol")))).StatusCode);
        using var coordinator = app.Client(Role.Coordinator);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsync("/api/v1/incidents/grouping", null)).StatusCode);
        return Assert.Single(await IncidentsOfTypeAsync(coordinator, type)).Id;
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ReportsOfOneEventAreGroupedWithTheirIndependentSourcesCounted(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        var type = $"Shelling {Guid.NewGuid():N}";
        using var monitor = app.Client(Role.Monitor);
        var reports = new[]
        {
            Report(type, 31.3462, 34.3063, "2026-11-18", identity: "Ahmad (simulated)"),
            Report(type, 31.3500, 34.3100, "2026-11-18", identity: " ahmad (SIMULATED) "),    // the same person again, 500 m away
            Report(type, 31.3470, 34.3080, "2026-11-19", "monitorPatrol"),                     // a patrol the next day
            Report(type, 31.3465, 34.3070, "2026-11-18", "media", source: "Simulated Daily"),
            Report(type, 31.5017, 34.4668, "2026-11-18", identity: "Far away (simulated)"),    // 20 km north: another event
            Report(type, 31.3462, 34.3063, "2026-11-13", identity: "Earlier (simulated)"),     // five days earlier: another event
        };
        foreach (var r in reports)
        {
            Assert.Equal(HttpStatusCode.Created, (await monitor.PostAsync("/api/v1/reports", Body(r))).StatusCode);
        }
        using var coordinator = app.Client(Role.Coordinator);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsync("/api/v1/incidents/grouping", null)).StatusCode);
        var incidents = await IncidentsOfTypeAsync(coordinator, type);
        Assert.Equal([1, 1, 4], incidents.Select(i => i.ReportCount).Order());
        var main = incidents.Single(i => i.ReportCount == 4);
        // Ahmad twice is one source; with the patrol and the newspaper: three independent sources.
        Assert.Equal((3, "high", "PS0270", new DateOnly(2026, 11, 18)), (main.SourceCount, main.Confidence, main.Governorate, main.OccurredOn));
        Assert.Equal(["3 independent sources", "observed by a monitor patrol or a sensor", "exact location"], main.ConfidenceReasons);
        Assert.All(incidents.Where(i => i.ReportCount == 1), i => Assert.Equal("low", i.Confidence));

        var detail = (await coordinator.GetFromJsonAsync<IncidentDetail>($"/api/v1/incidents/{main.Id}", Json.Options))!;
        Assert.Equal(4, detail.Reports.Count);
        // Filtering by the party alleged matches the party exactly.
        var byParty = (await coordinator.GetFromJsonAsync<IncidentPage>($"/api/v1/incidents?eventType={Uri.EscapeDataString(type)}&party=israel", Json.Options))!;
        Assert.Equal(3, byParty.Items.Count);
        Assert.Empty((await coordinator.GetFromJsonAsync<IncidentPage>($"/api/v1/incidents?eventType={Uri.EscapeDataString(type)}&party=isr", Json.Options))!.Items);
        Assert.Equal("reported", detail.Incident.State);
        // Grouping again changes nothing.
        await coordinator.PostAsync("/api/v1/incidents/grouping", null);
        Assert.Equal(3, (await IncidentsOfTypeAsync(coordinator, type)).Count);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task EveryLegalTransitionIsAcceptedAndEveryIllegalOneRefused(string db)
    {
        var states = Enum.GetValues<IncidentState>();
        var legal = states.SelectMany(f => states.Where(t => ChangeIncidentState.Allowed(f, t)).Select(t => (f, t))).ToHashSet();
        Assert.Equal(
            [(IncidentState.Reported, IncidentState.UnderReview), (IncidentState.Reported, IncidentState.Dismissed),
             (IncidentState.UnderReview, IncidentState.Verified), (IncidentState.UnderReview, IncidentState.NotVerified),
             (IncidentState.UnderReview, IncidentState.Disputed), (IncidentState.UnderReview, IncidentState.Dismissed),
             (IncidentState.Disputed, IncidentState.UnderReview)],
            legal.OrderBy(p => p.f).ThenBy(p => p.t));

        var app = await apps.Get(db);
        using var coordinator = app.Client(Role.Coordinator);
        string Camel(IncidentState s) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(s.ToString());
        // From each state reachable without a quorum, try every target over HTTP.
        foreach (var from in new[] { IncidentState.Reported, IncidentState.UnderReview, IncidentState.Disputed, IncidentState.Dismissed })
        {
            foreach (var to in states.Where(t => t is not (IncidentState.Verified or IncidentState.NotVerified)))
            {
                var id = await IncidentAsync(app, $"Transition {Guid.NewGuid():N}");
                var path = from switch
                {
                    IncidentState.Reported => [],
                    IncidentState.UnderReview => [IncidentState.UnderReview],
                    IncidentState.Disputed => [IncidentState.UnderReview, IncidentState.Disputed],
                    _ => new[] { IncidentState.Dismissed },
                };
                foreach (var step in path)
                {
                    Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsync($"/api/v1/incidents/{id}/transitions", Body($"{{\"state\":\"{Camel(step)}\",\"reason\":\"test\"}}"))).StatusCode);
                }
                var response = await coordinator.PostAsync($"/api/v1/incidents/{id}/transitions", Body($"{{\"state\":\"{Camel(to)}\",\"reason\":\"test\"}}"));
                if (legal.Contains((from, to)))
                {
                    Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                }
                else
                {
                    var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.Conflict);
                    Assert.Contains($"cannot become {ChangeIncidentState.Name(to)}", problem.Detail());
                }
            }
        }
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task VerificationNeedsVerifiersFromTwoOrganisationsEachCountingOnce(string db)
    {
        // An app of its own: incidents belong to the first agreement, and this test reads that agreement's provisions.
        await using var app = await TestApp.StartAsync(db);
        await app.ImportGazaPlanAsync(); // incidents belong to an agreement, whose quorum and provisions apply
        var id = await IncidentAsync(app, $"Quorum {Guid.NewGuid():N}");
        using var coordinator = app.Client(Role.Coordinator);
        await coordinator.PostAsync($"/api/v1/incidents/{id}/transitions", Body("{\"state\":\"underReview\",\"reason\":\"two reports of shelling\"}"));

        // Two verifiers of the same organisation, and one of another.
        await using (var ctx = app.OpenDb())
        {
            foreach (var (email, org) in new[] { ($"second-{id:N}@test.example", "Participating test organisation"), ($"other-{id:N}@test.example", $"Second mission {id:N}") })
            {
                Assert.True((await Accounts.AddUserAsync(ctx, new Accounts.NewUser(email, null, "verifier", org, TestApp.Password), app.Clock)).Succeeded);
            }
        }
        HttpClient Verifier(string email)
        {
            var client = app.Client();
            var token = Accounts.CreateTokenAsync(app.OpenDb(), email, "t", null, app.Clock).GetAwaiter().GetResult().Value!.Token;
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
            return client;
        }
        const string finding = "{\"conclusion\":\"verified\",\"violation\":\"Artillery fire across the line (simulated)\",\"provisions\":[\"P1-CEASEFIRE\"],\"responsibleParty\":\"israel\"}";
        using var first = app.Client(Role.Verifier);
        Assert.Equal(HttpStatusCode.Created, (await first.PostAsync($"/api/v1/incidents/{id}/findings", Body(finding))).StatusCode);
        var twice = await ProblemAssert.IsProblem(await first.PostAsync($"/api/v1/incidents/{id}/findings", Body(finding)), HttpStatusCode.Conflict);
        Assert.Contains("a verifier counts once", twice.Detail());
        using var colleague = Verifier($"second-{id:N}@test.example");
        Assert.Equal(HttpStatusCode.Created, (await colleague.PostAsync($"/api/v1/incidents/{id}/findings", Body(finding))).StatusCode);

        var notYet = await ProblemAssert.IsProblem(
            await coordinator.PostAsync($"/api/v1/incidents/{id}/transitions", Body("{\"state\":\"verified\",\"reason\":\"two findings\"}")), HttpStatusCode.Conflict);
        Assert.Equal("needs findings from 2 different verifying organisations; 1 found the incident verified.", notYet.Detail()[9..]);

        using var other = Verifier($"other-{id:N}@test.example");
        Assert.Equal(HttpStatusCode.Created, (await other.PostAsync($"/api/v1/incidents/{id}/findings",
            Body("{\"conclusion\":\"verified\",\"violation\":\"Confirmed on site (simulated)\",\"responsibleParty\":\"undetermined\",\"dissent\":\"Attribution unclear\"}"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsync($"/api/v1/incidents/{id}/transitions", Body("{\"state\":\"verified\",\"reason\":\"quorum reached\"}"))).StatusCode);

        var detail = (await coordinator.GetFromJsonAsync<IncidentDetail>($"/api/v1/incidents/{id}", Json.Options))!;
        Assert.Equal(("verified", 2, 2), (detail.Incident.State, detail.Quorum.Required, detail.Quorum.VerifiedBy));
        Assert.Equal(["underReview", "verified"], detail.Timeline.Select(t => t.To));
        Assert.Equal(3, detail.Findings.Count);
        Assert.Contains(detail.Findings, f => f.Dissent == "Attribution unclear");

        // The provision the findings name lists the incident on its page.
        Guid provision;
        await using (var ctx = app.OpenDb())
        {
            var agreement = (await ctx.Incidents.SingleAsync(i => i.Id == id)).AgreementId;
            provision = (await ctx.Provisions.SingleAsync(p => p.AgreementId == agreement && p.Code == "P1-CEASEFIRE")).Id;
        }
        foreach (var (role, sees) in new[] { (Role.Monitor, true), (Role.Analyst, false) }) // the analyst's organisation is outside the agreement
        {
            using var browserless = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = app.Address };
            await FormSignIn.PostAsync(browserless, TestApp.Email(role), TestApp.Password);
            var page = await browserless.GetStringAsync($"/provisions/{provision}");
            Assert.Equal(sees, page.Contains($"/incidents/{id}", StringComparison.Ordinal));
            Assert.Equal(sees, page.Contains("verified · findings: Verified", StringComparison.Ordinal));
        }

        var bad = await ProblemAssert.IsProblem(await first.PostAsync($"/api/v1/incidents/{id}/findings", Body("{\"responsibleParty\":\"atlantis\"}")), HttpStatusCode.UnprocessableEntity);
        Assert.NotEmpty(bad.FieldErrors("conclusion"));
        Assert.NotEmpty(bad.FieldErrors("violation"));
        using var admin = app.Client(Role.Administrator);
        await ProblemAssert.IsProblem(await admin.PostAsync($"/api/v1/incidents/{id}/findings", Body(finding)), HttpStatusCode.Forbidden);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task TheNamedPartyRepliesAndNoOtherPartyReadsTheReplyOrTheSources(string db)
    {
        var app = await apps.Get(db);
        var type = $"Reply {Guid.NewGuid():N}";
        await app.EnsureGovernoratesAsync();
        using var monitor = app.Client(Role.Monitor);
        var witness = $"Witness {Guid.NewGuid():N}";
        await monitor.PostAsync("/api/v1/reports", Body(Report(type, 31.3462, 34.3063, "2026-11-18", identity: witness)));
        using var coordinator = app.Client(Role.Coordinator);
        await coordinator.PostAsync("/api/v1/incidents/grouping", null);
        var id = Assert.Single(await IncidentsOfTypeAsync(coordinator, type)).Id;

        HttpClient Liaison(string party)
        {
            using var ctx = app.OpenDb();
            var email = $"{party}-{Guid.NewGuid():N}@test.example";
            Assert.True(Accounts.AddUserAsync(ctx, new Accounts.NewUser(email, null, "liaison", $"Liaison office: {party} {Guid.NewGuid():N}", TestApp.Password, true, party), app.Clock).GetAwaiter().GetResult().Succeeded);
            var client = app.Client();
            client.DefaultRequestHeaders.Authorization = new("Bearer", Accounts.CreateTokenAsync(ctx, email, "t", null, app.Clock).GetAwaiter().GetResult().Value!.Token);
            return client;
        }
        using var israel = Liaison("israel");
        using var hamas = Liaison("hamas");
        var reply = await israel.PostAsync($"/api/v1/incidents/{id}/replies", Body("{\"text\":\"Our forces responded to a direct threat (simulated)\"}"));
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        var notNamed = await ProblemAssert.IsProblem(await hamas.PostAsync($"/api/v1/incidents/{id}/replies", Body("{\"text\":\"x\"}")), HttpStatusCode.Forbidden);
        Assert.Contains("does not name hamas", notNamed.Detail());

        // The coordination centre and verifiers see the reply beside the findings; so does the party itself…
        foreach (var client in new[] { coordinator, israel, app.Client(Role.Verifier) })
        {
            var seen = (await client.GetFromJsonAsync<IncidentDetail>($"/api/v1/incidents/{id}", Json.Options))!;
            Assert.Equal("israel", Assert.Single(seen.Replies).Party);
        }
        // …another party does not, and no party learns who the source is.
        var hamasSees = await hamas.GetStringAsync($"/api/v1/incidents/{id}");
        Assert.DoesNotContain("responded to a direct threat", hamasSees);
        Assert.DoesNotContain(witness, hamasSees);
        Assert.DoesNotContain(witness, await israel.GetStringAsync($"/api/v1/incidents/{id}"));
        Assert.Contains(witness, await coordinator.GetStringAsync($"/api/v1/incidents/{id}"));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ACoordinatorMergesAndSplitsIncidentsAndEveryMoveIsAudited(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        var type = $"Regroup {Guid.NewGuid():N}";
        using var monitor = app.Client(Role.Monitor);
        await monitor.PostAsync("/api/v1/reports", Body(Report(type, 31.3462, 34.3063, "2026-11-18", identity: "A (simulated)")));
        await monitor.PostAsync("/api/v1/reports", Body(Report(type, 31.3900, 34.3400, "2026-11-18", identity: "B (simulated)"))); // 6 km away: not grouped
        using var coordinator = app.Client(Role.Coordinator);
        await coordinator.PostAsync("/api/v1/incidents/grouping", null);
        var two = await IncidentsOfTypeAsync(coordinator, type);
        Assert.Equal(2, two.Count);
        var (a, b) = (two[0].Id, two[1].Id);

        var self = await ProblemAssert.IsProblem(await coordinator.PostAsync($"/api/v1/incidents/{a}/merge", Body($"{{\"into\":\"{a}\",\"reason\":\"x\"}}")), HttpStatusCode.UnprocessableEntity);
        Assert.NotEmpty(self.FieldErrors("into"));
        var merged = await coordinator.PostAsync($"/api/v1/incidents/{b}/merge", Body($"{{\"into\":\"{a}\",\"reason\":\"Same shelling, two vantage points\"}}"));
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        var target = (await coordinator.GetFromJsonAsync<IncidentDetail>($"/api/v1/incidents/{a}", Json.Options))!;
        Assert.Equal((2, 2), (target.Incident.ReportCount, target.Incident.SourceCount));
        var emptied = (await coordinator.GetFromJsonAsync<IncidentDetail>($"/api/v1/incidents/{b}", Json.Options))!;
        Assert.Equal("dismissed", emptied.Incident.State);
        Assert.StartsWith($"Merged into {a}: Same shelling", Assert.Single(emptied.Timeline).Reason);
        await using (var ctx = app.OpenDb())
        {
            var moved = target.Reports.Single(r => r.Latitude > 31.38).Id.ToString();
            Assert.Empty(emptied.Reports);
            Assert.True(await ctx.AuditEntries.IgnoreQueryFilters()
                .AnyAsync(e => e.EntityType == "Report" && e.EntityId == moved && e.Action == "changed" && e.Changes.Contains(a.ToString())));
        }

        var far = target.Reports.Single(r => r.Latitude > 31.38).Id;
        var all = await ProblemAssert.IsProblem(await coordinator.PostAsync($"/api/v1/incidents/{a}/split",
            Body($"{{\"reports\":[\"{target.Reports[0].Id}\",\"{target.Reports[1].Id}\"],\"reason\":\"x\"}}")), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("at least one report must stay", all.Detail());
        var split = await coordinator.PostAsync($"/api/v1/incidents/{a}/split", Body($"{{\"reports\":[\"{far}\"],\"reason\":\"Different target after all\"}}"));
        Assert.Equal(HttpStatusCode.Created, split.StatusCode);
        var created = (await split.Content.ReadFromJsonAsync<IncidentSummary>(Json.Options))!;
        Assert.Equal(1, created.ReportCount);
        Assert.Equal(1, (await coordinator.GetFromJsonAsync<IncidentDetail>($"/api/v1/incidents/{a}", Json.Options))!.Incident.ReportCount);
        using var verifier = app.Client(Role.Verifier);
        await ProblemAssert.IsProblem(await verifier.PostAsync($"/api/v1/incidents/{a}/merge", Body("{}")), HttpStatusCode.Forbidden);
    }
}
