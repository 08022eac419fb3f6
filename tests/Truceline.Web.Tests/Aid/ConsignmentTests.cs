using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Truceline.Access;
using Truceline.Web.Aid;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Aid;

public sealed class ConsignmentTests(Apps apps)
{
    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    internal static string Consignment(string reference, string crossing = "Kerem Shalom", string destination = "PS0270", double trucks = 12, string at = "2026-11-20T06:00:00Z") =>
        $$"""
        {"reference":{{JsonSerializer.Serialize(reference)}},"crossing":"{{crossing}}","destinationGovernorate":"{{destination}}","trucks":{{trucks}},"requestedAt":"{{at}}",
         "lines":[{"category":"food","description":"Food parcels","quantity":4800,"unit":"parcels","pallets":240,"tonnes":96},
                  {"category":"water","description":"Bottled water","quantity":20000,"unit":"litres","tonnes":20}]}
        """;

    internal static async Task<ConsignmentView> RegisterAsync(HttpClient client, string reference, string at = "2026-11-20T06:00:00Z")
    {
        var response = await client.PostAsync("/api/v1/consignments", Body(Consignment(reference, at: at)));
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ConsignmentView>(Json.Options))!;
    }

    internal static Task<HttpResponseMessage> MoveAsync(HttpClient client, Guid id, string stage, string at, string? reason = null) =>
        client.PostAsync($"/api/v1/consignments/{id}/stages",
            Body(JsonSerializer.Serialize(new { stage, at, reason })));

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AConsignmentGoesFromRequestToDestinationAndEveryStepIsInItsHistory(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureCrossingsAsync();
        using var agency = app.Client(Role.Agency);
        var c = await RegisterAsync(agency, "WFP-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.Equal(("requested", "food", "mixed"), (c.Stage, c.Lines[0].Category, c.Category));
        Assert.Equal((116.0, 240.0), (c.Tonnes, c.Pallets));
        Assert.Equal(["cleared", "denied"], c.Next);
        string[] path = ["cleared", "arrived-at-crossing", "offloaded", "collected", "reached-destination"];
        for (var i = 0; i < path.Length; i++)
        {
            var moved = await MoveAsync(agency, c.Id, path[i], $"2026-11-20T{8 + 2 * i:00}:00:00Z");
            Assert.True(moved.StatusCode == HttpStatusCode.Created, await moved.Content.ReadAsStringAsync());
        }
        var detail = (await agency.GetFromJsonAsync<ConsignmentDetail>($"/api/v1/consignments/{c.Id}", Json.Options))!;
        Assert.Equal(["requested", .. path], detail.History.Select(h => h.Stage));
        // Requested at 06:00, cleared at 08:00: two hours in "requested"; every later stage two hours too.
        Assert.Equal([null, 2.0, 2.0, 2.0, 2.0, 2.0], detail.History.Select(h => h.HoursInPrevious));
        Assert.Equal(("reached-destination", 0), (detail.Consignment.Stage, detail.Consignment.Next.Count));
        Assert.All(detail.History, h => Assert.Equal(TestApp.Email(Role.Agency), h.RecordedBy));

        var after = await MoveAsync(agency, c.Id, "lost", "2026-11-20T20:00:00Z", "looted");
        var problem = await ProblemAssert.IsProblem(after, HttpStatusCode.Conflict);
        Assert.Contains("is reached-destination; it cannot become lost. It is final.", problem.Detail());
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task EveryStageChangeIsInTheAuditTrailAndTheChainStillVerifies(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureCrossingsAsync();
        using var agency = app.Client(Role.Agency);
        var one = await RegisterAsync(agency, "AUDIT-" + Guid.NewGuid().ToString("N")[..8]);
        var two = await RegisterAsync(agency, "AUDIT-" + Guid.NewGuid().ToString("N")[..8]);
        var twin = await RegisterAsync(agency, "AUDIT-" + Guid.NewGuid().ToString("N")[..8]);
        Assert.Equal(HttpStatusCode.Created, (await MoveAsync(agency, one.Id, "cleared", "2026-11-20T08:00:00Z")).StatusCode);
        // Two steps of one consignment in one batch, and another's ending with a reason.
        var batch = await agency.PostAsync("/api/v1/consignments/stages", Body(JsonSerializer.Serialize(new
        {
            moves = new object[]
            {
                new { consignmentId = one.Id, stage = "arrived-at-crossing", at = "2026-11-20T09:00:00Z" },
                new { consignmentId = two.Id, stage = "denied", at = "2026-11-20T10:00:00Z", reason = "dual-use list" },
                new { consignmentId = one.Id, stage = "offloaded", at = "2026-11-20T11:00:00Z" },
            },
        })));
        Assert.True(batch.StatusCode == HttpStatusCode.OK, await batch.Content.ReadAsStringAsync());

        await using var ctx = app.OpenDb();
        var trail = ctx.AuditEntries.Where(a => a.Subject == $"Consignment:{one.Id}").OrderBy(a => a.Seq).ToList();
        // Registered (the consignment and its two lines, its first event); then per write, as the interceptor orders them,
        // the events created and then the consignment changed once, from its state before the write to its state after.
        string Line(Truceline.Audit.AuditEntry a) => $"{a.EntityType} {a.Action}";
        Assert.Equal(["Consignment created", "ConsignmentEvent created", "ConsignmentLine created", "ConsignmentLine created"], trail.Take(4).Select(Line).Order());
        Assert.Equal(["ConsignmentEvent created", "Consignment changed", "ConsignmentEvent created", "ConsignmentEvent created", "Consignment changed"],
            trail.Skip(4).Select(Line));
        Assert.Equal("""{"before":{"Stage":"Cleared","StageAt":"2026-11-20T08:00:00Z"},"after":{"Stage":"Offloaded","StageAt":"2026-11-20T11:00:00Z"}}""", trail[^1].Changes);
        Assert.Contains("\"Stage\":\"ArrivedAtCrossing\"", trail[^3].Changes);
        Assert.All(trail.TakeLast(5), a => Assert.Equal(TestApp.Email(Role.Agency), a.Actor));
        // Confidential like the consignment: the entries are as visible as the records they describe.
        Assert.All(trail, a => Assert.Equal(Classification.Confidential, a.Classification));
        var denied = ctx.AuditEntries.Where(a => a.Subject == $"Consignment:{two.Id}" && a.Action == "changed").Single();
        Assert.Contains("\"Reason\":\"dual-use list\"", denied.Changes);

        // The same step made through EF Core's change tracking is described in the same words.
        var tracked = ctx.Consignments.Single(c => c.Id == twin.Id);
        tracked.Stage = Truceline.Aid.ConsignmentStage.Cleared;
        tracked.StageAt = new DateTime(2026, 11, 20, 8, 0, 0, DateTimeKind.Utc);
        await ctx.SaveChangesAsync();
        var throughEf = ctx.AuditEntries.Where(a => a.Subject == $"Consignment:{twin.Id}" && a.Action == "changed").Single();
        var throughBulk = trail.First(a => a.Action == "changed");
        Assert.Equal(throughEf.Changes, throughBulk.Changes);
        Assert.Equal((throughEf.EntityType, throughEf.Actor == "test", throughEf.Classification, throughEf.ConfidentialTo, throughEf.OwnerOrganisationId),
            (throughBulk.EntityType, true, throughBulk.Classification, throughBulk.ConfidentialTo, throughBulk.OwnerOrganisationId));

        using var admin = app.Client(Role.Administrator);
        var verdict = (await admin.GetFromJsonAsync<Truceline.Audit.AuditChain.Verdict>("/api/v1/audit/verify", Json.Options))!;
        Assert.True(verdict.Intact, verdict.Message);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task IllegalStepsAreRefusedWithWhatMayComeNextAndChangeNothing(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureCrossingsAsync();
        using var agency = app.Client(Role.Agency);
        var c = await RegisterAsync(agency, "ILLEGAL-" + Guid.NewGuid().ToString("N")[..8]);

        var skip = await ProblemAssert.IsProblem(await MoveAsync(agency, c.Id, "offloaded", "2026-11-20T08:00:00Z"), HttpStatusCode.Conflict);
        Assert.Equal("Illegal stage change", skip.GetProperty("title").GetString());
        Assert.Contains("is requested; it cannot become offloaded. Next can be: cleared, denied.", skip.Detail());

        var noReason = await ProblemAssert.IsProblem(await MoveAsync(agency, c.Id, "denied", "2026-11-20T08:00:00Z"), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["is required: say why the consignment was denied"], noReason.FieldErrors("reason"));

        var early = await ProblemAssert.IsProblem(await MoveAsync(agency, c.Id, "cleared", "2026-11-19T08:00:00Z"), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("is before the consignment became requested", early.FieldErrors("at").Single());

        var future = await ProblemAssert.IsProblem(await MoveAsync(agency, c.Id, "cleared", "2026-11-22T08:00:00Z"), HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["is in the future"], future.FieldErrors("at"));

        var unknown = await ProblemAssert.IsProblem(await MoveAsync(agency, c.Id, "teleported", "2026-11-20T08:00:00Z"), HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith("is required: requested, cleared, denied", unknown.FieldErrors("stage").Single());

        var detail = (await agency.GetFromJsonAsync<ConsignmentDetail>($"/api/v1/consignments/{c.Id}", Json.Options))!;
        Assert.Equal(("requested", 1), (detail.Consignment.Stage, detail.History.Count));

        var denied = await MoveAsync(agency, c.Id, "denied", "2026-11-20T08:00:00Z", "Dual-use items on the manifest");
        Assert.Equal(HttpStatusCode.Created, denied.StatusCode);
        var final = (await agency.GetFromJsonAsync<ConsignmentDetail>($"/api/v1/consignments/{c.Id}", Json.Options))!;
        Assert.Equal(("denied", "Dual-use items on the manifest"), (final.Consignment.Stage, final.Consignment.Reason));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ABatchWithOneIllegalStepRecordsNoneOfIt(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureCrossingsAsync();
        using var agency = app.Client(Role.Agency);
        var a = await RegisterAsync(agency, "BATCH-A-" + Guid.NewGuid().ToString("N")[..8]);
        var b = await RegisterAsync(agency, "BATCH-B-" + Guid.NewGuid().ToString("N")[..8]);
        var bad = await agency.PostAsync("/api/v1/consignments/stages", Body(JsonSerializer.Serialize(new
        {
            moves = new object[]
            {
                new { consignmentId = a.Id, stage = "cleared", at = "2026-11-20T08:00:00Z" },
                new { consignmentId = a.Id, stage = "arrived-at-crossing", at = "2026-11-20T09:00:00Z" },
                new { consignmentId = b.Id, stage = "collected", at = "2026-11-20T09:00:00Z" },
            },
        })));
        var problem = await ProblemAssert.IsProblem(bad, HttpStatusCode.Conflict);
        Assert.Contains("moves[2].", problem.Detail());
        Assert.Equal("requested", (await agency.GetFromJsonAsync<ConsignmentDetail>($"/api/v1/consignments/{a.Id}", Json.Options))!.Consignment.Stage);

        var good = await agency.PostAsync("/api/v1/consignments/stages", Body(JsonSerializer.Serialize(new
        {
            moves = new object[]
            {
                new { consignmentId = a.Id, stage = "cleared", at = "2026-11-20T08:00:00Z" },
                new { consignmentId = a.Id, stage = "arrived-at-crossing", at = "2026-11-20T09:00:00Z" },
                new { consignmentId = b.Id, stage = "cleared", at = "2026-11-20T09:00:00Z" },
            },
        })));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal("arrived-at-crossing", (await agency.GetFromJsonAsync<ConsignmentDetail>($"/api/v1/consignments/{a.Id}", Json.Options))!.Consignment.Stage);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task RegisteringTheSameReferenceAgainReturnsTheFirstConsignment(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureCrossingsAsync();
        using var agency = app.Client(Role.Agency);
        var reference = "RETRY-" + Guid.NewGuid().ToString("N")[..8];
        var first = await RegisterAsync(agency, reference);
        var again = await agency.PostAsync("/api/v1/consignments", Body(Consignment(reference)));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(first.Id, (await again.Content.ReadFromJsonAsync<ConsignmentView>(Json.Options))!.Id);

        // Another organisation's reference space is its own.
        using var other = await app.ClientOfNewOrganisationAsync(Role.Agency, "Other agency " + Guid.NewGuid().ToString("N")[..6]);
        var theirs = await other.PostAsync("/api/v1/consignments", Body(Consignment(reference)));
        Assert.Equal(HttpStatusCode.Created, theirs.StatusCode);
        Assert.NotEqual(first.Id, (await theirs.Content.ReadFromJsonAsync<ConsignmentView>(Json.Options))!.Id);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task BadConsignmentsAreRefusedNamingEveryField(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureCrossingsAsync();
        using var agency = app.Client(Role.Agency);
        var response = await agency.PostAsync("/api/v1/consignments", Body("""
            {"reference":"","crossing":"Atlantis","destinationGovernorate":"PS9999","trucks":-3,"requestedAt":"2027-01-01T00:00:00Z",
             "lines":[{"category":"gold","description":"","quantity":-1,"tonnes":1e300}]}
            """));
        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["is required"], problem.FieldErrors("reference"));
        Assert.Contains("'Atlantis' is not a crossing Truceline knows", problem.FieldErrors("crossing").Single());
        Assert.Contains("'PS9999' is not a governorate code", problem.FieldErrors("destinationGovernorate").Single());
        Assert.Contains("more than 0", problem.FieldErrors("trucks").Single());
        Assert.Equal(["is in the future"], problem.FieldErrors("requestedAt"));
        Assert.StartsWith("is required: food, water", problem.FieldErrors("lines[0].category").Single());
        Assert.Equal(["must be a number from 0 to 10,000,000"], problem.FieldErrors("lines[0].quantity"));
        Assert.Equal(["must be a number from 0 to 1,000,000"], problem.FieldErrors("lines[0].tonnes"));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AnOrganisationSeesItsOwnConsignmentsCoordinatorsSeeAllTheRestSeeAggregatesOnly(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureCrossingsAsync();
        using var owner = await app.ClientOfNewOrganisationAsync(Role.Agency, "Owning agency " + Guid.NewGuid().ToString("N")[..6]);
        var c = await RegisterAsync(owner, "SECRET-" + Guid.NewGuid().ToString("N")[..8]);

        using var coordinator = app.Client(Role.Coordinator);
        Assert.Equal(c.Reference, (await coordinator.GetFromJsonAsync<ConsignmentDetail>($"/api/v1/consignments/{c.Id}", Json.Options))!.Consignment.Reference);
        Assert.Equal(HttpStatusCode.Created, (await MoveAsync(coordinator, c.Id, "cleared", "2026-11-20T07:00:00Z")).StatusCode);
        foreach (var role in new[] { Role.Agency, Role.Monitor, Role.Verifier, Role.PartyLiaison, Role.Donor, Role.Analyst })
        {
            using var other = app.Client(role);
            var problem = await ProblemAssert.IsProblem(await other.GetAsync($"/api/v1/consignments/{c.Id}"), HttpStatusCode.NotFound);
            Assert.Contains($"There is no consignment {c.Id} that you may see", problem.Detail());
            var list = (await other.GetFromJsonAsync<ConsignmentPage>("/api/v1/consignments?limit=500", Json.Options))!;
            Assert.DoesNotContain(list.Items, i => i.Id == c.Id);
        }
        using var anonymous = app.Client();
        await ProblemAssert.IsProblem(await anonymous.GetAsync($"/api/v1/consignments/{c.Id}"), HttpStatusCode.Unauthorized);
        await ProblemAssert.IsProblem(await anonymous.GetAsync("/api/v1/aid/export/consignments.csv"), HttpStatusCode.Unauthorized);
        // The public reads the totals the consignment is in, never the consignment itself.
        var figures = await anonymous.GetStringAsync("/api/v1/aid/figures?from=2026-11-20&to=2026-11-20");
        Assert.Contains("\"trucksPerDay\"", figures);
        Assert.DoesNotContain(c.Reference, figures);
        var daily = await anonymous.GetStringAsync("/api/v1/aid/export/daily.csv");
        Assert.Contains("#date,#loc+crossing,#item+type,#status", daily);
        Assert.Contains("2026-11-20,Kerem Shalom,mixed,requested,", daily);
        Assert.DoesNotContain(c.Reference, daily);

        using var monitor = app.Client(Role.Monitor);
        await ProblemAssert.IsProblem(await monitor.PostAsync("/api/v1/consignments", Body(Consignment("M-1"))), HttpStatusCode.Forbidden);
        using var donor = app.Client(Role.Donor);
        await ProblemAssert.IsProblem(await MoveAsync(donor, c.Id, "arrived-at-crossing", "2026-11-20T08:00:00Z"), HttpStatusCode.Forbidden);
    }
}
