using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Incidents;
using Truceline.Web.Incidents;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Incidents;

/// <summary>The daily counts come from a rollup the database keeps as incidents change; each test has an app of its own,
/// so the counts are exactly its incidents.</summary>
public sealed class IncidentCountsTests
{
    private static string Report(string type, double lat, double lon, string day, string party = "israel") =>
        $$"""
        {"clientId":"{{Guid.NewGuid():N}}","sourceType":"monitorPatrol","occurredOn":"{{day}}","latitude":{{lat.ToString(System.Globalization.CultureInfo.InvariantCulture)}},
         "longitude":{{lon.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"geoPrecision":1,"eventType":"{{type}}","allegedParties":[{{System.Text.Json.JsonSerializer.Serialize(party)}}]}
        """;

    /// <summary>A party named with what a trigger splitting the list could trip on: quotes, a backslash, a control character, a '|' (kept as '/').</summary>
    private const string OddParty = "Armed group \"A\\B\" \t|x";

    /// <summary>The rollup's rows with a count, against the same grouping computed from the incidents themselves.</summary>
    private static async Task AssertRollupMatchesAsync(TestApp app)
    {
        await using var ctx = app.OpenDb();
        var rollup = (await ctx.IncidentDaily.Where(d => d.Count != 0).ToListAsync())
            .Select(d => $"{d.Day:yyyy-MM-dd} {d.EventType} {d.GovernorateCode} {d.State} {d.Classification} {d.Count}").Order().ToList();
        var direct = (await ctx.Incidents.IgnoreQueryFilters().GroupBy(i => new { i.OccurredOn, i.EventType, i.GovernorateCode, i.State, i.Classification })
                .Select(g => new { g.Key, Count = g.Count() }).ToListAsync())
            .Select(g => $"{g.Key.OccurredOn:yyyy-MM-dd} {g.Key.EventType} {g.Key.GovernorateCode ?? ""} {g.Key.State} {g.Key.Classification} {g.Count}").Order().ToList();
        Assert.Equal(direct, rollup);

        // By party: each party an incident names counts it once (this test's parties differ in more than case).
        var byParty = (await ctx.IncidentDailyParty.Where(d => d.Count != 0).ToListAsync())
            .Select(d => $"{d.Party} {d.Day:yyyy-MM-dd} {d.EventType} {d.GovernorateCode} {d.State} {d.Classification} {d.Count}").Order().ToList();
        var directByParty = (await ctx.Incidents.IgnoreQueryFilters().ToListAsync())
            .SelectMany(i => i.AllegedParties.Distinct().Select(p => (Party: p, i.OccurredOn, i.EventType, Governorate: i.GovernorateCode ?? "", i.State, i.Classification)))
            .GroupBy(r => r).Select(g => $"{g.Key.Party} {g.Key.OccurredOn:yyyy-MM-dd} {g.Key.EventType} {g.Key.Governorate} {g.Key.State} {g.Key.Classification} {g.Count()}")
            .Order().ToList();
        Assert.Equal(directByParty, byParty);
        Assert.NotEmpty(byParty);
    }

    /// <summary>The counts filtered by a party (from the party rollup) agree with the list filtered by it (from the incidents).</summary>
    private static async Task<int> PartyTotalAsync(HttpClient client, string party)
    {
        var counts = await CountsAsync(client, $"&party={Uri.EscapeDataString(party)}");
        var listed = (await client.GetFromJsonAsync<IncidentPage>($"/api/v1/incidents?limit=500&from=2026-11-15&to=2026-11-21&party={Uri.EscapeDataString(party)}", Json.Options))!
            .Items.Count(i => i.State != "dismissed");
        Assert.Equal(listed, counts.Total);
        return counts.Total;
    }

    private static async Task<IncidentCounts> CountsAsync(HttpClient client, string query = "") =>
        (await client.GetFromJsonAsync<IncidentCounts>($"/api/v1/incidents/counts?from=2026-11-15&to=2026-11-21{query}", Json.Options))!;

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task TheRollupFollowsEveryChangeToIncidentsAndEachReaderCountsOnlyWhatItMayRead(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        await app.EnsureGovernoratesAsync();
        using var monitor = app.Client(Role.Monitor);
        using var coordinator = app.Client(Role.Coordinator);
        foreach (var (type, lat, lon, day) in new[]
        {
            ("Shelling", 31.3462, 34.3063, "2026-11-18"), ("Shelling", 31.5017, 34.4668, "2026-11-18"), ("Gunfire", 31.2870, 34.2510, "2026-11-19"),
            ("Gunfire", 31.4200, 34.3500, "2026-11-20"), ("Shelling", 31.3462, 34.3063, "2026-11-10"),
        })
        {
            Assert.Equal(HttpStatusCode.Created, (await monitor.PostAsync("/api/v1/reports", new StringContent(Report(type, lat, lon, day), Encoding.UTF8, "application/json"))).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsync("/api/v1/incidents/grouping", null)).StatusCode);
        await AssertRollupMatchesAsync(app);
        await using (var ctx = app.OpenDb())
        {
            // Each report's link to its incident is in the audit trail (written in bulk), and the chain holds.
            Assert.True((await Truceline.Audit.AuditChain.VerifyAsync(ctx)).Intact);
            var linked = await ctx.AuditEntries.IgnoreQueryFilters().Where(a => a.EntityType == "Report" && a.Action == "changed").ToListAsync();
            Assert.Equal(5, linked.Count);
            var links = await ctx.Reports.IgnoreQueryFilters().ToDictionaryAsync(r => r.Id.ToString(), r => r.IncidentId);
            foreach (var entry in linked)
            {
                // What the interceptor would have written: before and after of the one property, as the report is classified.
                var changes = System.Text.Json.Nodes.JsonNode.Parse(entry.Changes)!;
                Assert.Null(changes["before"]!["IncidentId"]);
                Assert.Equal(links[entry.EntityId].ToString(), (string?)changes["after"]!["IncidentId"]);
                Assert.Equal(Classification.Restricted, entry.Classification);
            }
        }

        // A report joining an incident that exists: its summary is written without the context and audited as the
        // interceptor writes a change (the properties that changed, before and after; the tally hidden), in the chain.
        // It names another party too.
        Assert.Equal(HttpStatusCode.Created, (await monitor.PostAsync("/api/v1/reports", new StringContent(Report("Shelling", 31.3470, 34.3070, "2026-11-18", "hamas"), Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsync("/api/v1/incidents/grouping", null)).StatusCode);
        await AssertRollupMatchesAsync(app);
        await using (var ctx = app.OpenDb())
        {
            var joined = await ctx.Incidents.IgnoreQueryFilters().SingleAsync(i => i.ReportCount == 2);
            // Placed at the mean of the two; one organisation's patrols are one source.
            Assert.Equal((new DateOnly(2026, 11, 18), 34.30665, 1), (joined.OccurredOn, Math.Round(joined.Longitude, 5), joined.SourceCount));
            var entry = Assert.Single(await ctx.AuditEntries.IgnoreQueryFilters().Where(a => a.EntityType == "Incident" && a.EntityId == joined.Id.ToString() && a.Action == "changed").ToListAsync());
            var changes = System.Text.Json.Nodes.JsonNode.Parse(entry.Changes)!;
            Assert.Equal((1, 2), ((int)changes["before"]!["ReportCount"]!, (int)changes["after"]!["ReportCount"]!));
            Assert.Equal(("|israel|", "|hamas||israel|"), ((string?)changes["before"]!["AllegedPartiesText"], (string?)changes["after"]!["AllegedPartiesText"]));
            Assert.Equal(("(changed)", "(changed)"), ((string?)changes["before"]!["Tally"], (string?)changes["after"]!["Tally"]));
            Assert.Null(changes["after"]!["EventType"]); // unchanged properties are left out
            Assert.Null(changes["after"]!["GeoPrecision"]);
            Assert.True((await Truceline.Audit.AuditChain.VerifyAsync(ctx)).Intact);
        }

        var counts = await CountsAsync(coordinator);
        Assert.Equal((4, 1), (counts.Total, counts.PreviousTotal));
        Assert.Equal([("Gunfire", 2, 0), ("Shelling", 2, 1)], counts.ByType.Select(r => (r.Key, r.Count, r.Previous)));
        Assert.Equal(("reported", 4), (counts.ByState.Single().Key, counts.ByState.Single().Count));
        // The party filter reads the party rollup: every incident names israel, one also hamas; part of a name matches nothing.
        Assert.Equal((4, 1, 0), (await PartyTotalAsync(coordinator, "israel"), await PartyTotalAsync(coordinator, "hamas"), await PartyTotalAsync(coordinator, "isra")));
        // LIKE's wildcards in a party's name match only themselves, in the list as in the counts.
        Assert.Equal((0, 0, 0), (await PartyTotalAsync(coordinator, "isr%"), await PartyTotalAsync(coordinator, "israe_"), await PartyTotalAsync(coordinator, "%")));
        Assert.Equal((1, 0), ((await CountsAsync(coordinator, "&party=israel")).PreviousTotal, (await CountsAsync(coordinator, "&party=hamas")).PreviousTotal));
        // Letters in another case: as the list's filter has it on each engine (LIKE ignores ASCII case on SQLite only).
        Assert.Equal(db == "sqlite" ? 4 : 0, await PartyTotalAsync(coordinator, "ISRAEL"));
        // A party whose name holds quotes, a backslash, a tab and a '|' is one party, counted as the list counts it.
        Assert.Equal(HttpStatusCode.Created, (await monitor.PostAsync("/api/v1/reports", new StringContent(Report("Gunfire", 31.2875, 34.2515, "2026-11-19", OddParty), Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsync("/api/v1/incidents/grouping", null)).StatusCode);
        await AssertRollupMatchesAsync(app);
        Assert.Equal((1, 4), (await PartyTotalAsync(coordinator, OddParty), await PartyTotalAsync(coordinator, "israel")));
        Assert.Equal(2, (await CountsAsync(coordinator, "&eventType=Shelling")).Total);

        // The list walks them the most recent day first, two at a time, each once.
        var walked = new List<IncidentSummary>();
        string? cursor = null;
        do
        {
            var page = (await coordinator.GetFromJsonAsync<IncidentPage>($"/api/v1/incidents?limit=2{(cursor is null ? "" : $"&cursor={cursor}")}", Json.Options))!;
            walked.AddRange(page.Items);
            cursor = page.Next;
        }
        while (cursor is not null);
        Assert.Equal(["2026-11-20", "2026-11-19", "2026-11-18", "2026-11-18", "2026-11-10"], walked.Select(i => i.OccurredOn.ToString("yyyy-MM-dd")));
        Assert.Equal(5, walked.Select(i => i.Id).Distinct().Count());
        var badCursor = await ProblemAssert.IsProblem(await coordinator.GetAsync("/api/v1/incidents?cursor=2026-11-18"), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("is not a cursor this API gave out", Assert.Single(badCursor.FieldErrors("cursor")));

        // State changes, a merge, a split: the rollup follows each, in the same transaction.
        var incidents = (await coordinator.GetFromJsonAsync<IncidentPage>("/api/v1/incidents?limit=50", Json.Options))!.Items;
        var gunfire = incidents.Where(i => i.EventType == "Gunfire").OrderBy(i => i.OccurredOn).ToList();
        Assert.True((await coordinator.PostAsJsonAsync($"/api/v1/incidents/{gunfire[0].Id}/transitions", new { state = "underReview", reason = "Patrol sent (simulated)" })).IsSuccessStatusCode);
        await AssertRollupMatchesAsync(app);
        Assert.Equal([("reported", 3, 1), ("underReview", 1, 0)], (await CountsAsync(coordinator)).ByState.Select(r => (r.Key, r.Count, r.Previous)));
        Assert.True((await coordinator.PostAsJsonAsync($"/api/v1/incidents/{gunfire[1].Id}/merge", new { into = gunfire[0].Id, reason = "One exchange of fire (simulated)" })).IsSuccessStatusCode);
        await AssertRollupMatchesAsync(app);
        Assert.Equal(3, (await CountsAsync(coordinator)).Total);
        var merged = (await coordinator.GetFromJsonAsync<IncidentDetail>($"/api/v1/incidents/{gunfire[0].Id}", Json.Options))!;
        var split = await coordinator.PostAsJsonAsync($"/api/v1/incidents/{gunfire[0].Id}/split", new { reports = new[] { merged.Reports.Last().Id }, reason = "Two events after all (simulated)" });
        Assert.True(split.IsSuccessStatusCode, await split.Content.ReadAsStringAsync());
        await AssertRollupMatchesAsync(app);
        Assert.Equal(4, (await CountsAsync(coordinator)).Total);
        // The report split off is the last to arrive, the odd party's: its incident names no one else, the rest still israel.
        Assert.Equal((1, 3), (await PartyTotalAsync(coordinator, OddParty), await PartyTotalAsync(coordinator, "israel")));

        // Classification: the public counts only what is public; a confidential incident counts for the organisations it names.
        using var donor = app.Client(Role.Donor);
        Assert.Equal(0, (await CountsAsync(donor)).Total);
        // The one naming israel alone made public, the one also naming hamas confidential (their ids order them at random).
        var shelling = incidents.Where(i => i.EventType == "Shelling" && i.OccurredOn == new DateOnly(2026, 11, 18))
            .OrderBy(i => i.AllegedParties.Contains("hamas")).Select(i => i.Id).ToList();
        await using (var ctx = app.OpenDb())
        {
            var first = await ctx.Incidents.FindAsync(shelling[0]);
            first!.Classification = Classification.Public;
            var second = await ctx.Incidents.FindAsync(shelling[1]);
            second!.Classification = Classification.Confidential;
            second.OwnerOrganisationId = Guid.NewGuid(); // another organisation's
            await ctx.SaveChangesAsync();
        }
        await AssertRollupMatchesAsync(app);
        Assert.Equal(1, (await CountsAsync(donor)).Total);
        Assert.Equal(3, (await CountsAsync(coordinator)).Total);
        Assert.Equal((1, 0, 2), (await PartyTotalAsync(donor, "israel"), await PartyTotalAsync(donor, "hamas"), await PartyTotalAsync(coordinator, "israel")));
        await using (var ctx = app.OpenDb())
        {
            var second = await ctx.Incidents.FindAsync(shelling[1]);
            second!.OwnerOrganisationId = app.ParticipatingOrganisation; // the coordinator's own
            await ctx.SaveChangesAsync();
        }
        Assert.Equal(4, (await CountsAsync(coordinator)).Total);
        Assert.Equal((3, 1), (await PartyTotalAsync(coordinator, "israel"), await PartyTotalAsync(coordinator, "hamas")));
        Assert.Equal(4, (await CountsAsync(app.Client(Role.Administrator))).Total);
        // Another organisation's, naming the coordinator's organisation among its readers: counted for it too.
        await using (var ctx = app.OpenDb())
        {
            var second = await ctx.Incidents.FindAsync(shelling[1]);
            second!.OwnerOrganisationId = Guid.NewGuid();
            second.ConfidentialTo = RoleNames.ConfidentialToken(app.ParticipatingOrganisation);
            await ctx.SaveChangesAsync();
        }
        Assert.Equal(4, (await CountsAsync(coordinator)).Total);
        using (var outsider = await app.ClientOfNewOrganisationAsync(Role.Coordinator, "Another centre (simulated)"))
        {
            Assert.Equal(3, (await CountsAsync(outsider)).Total); // participates, but is not a reader of the confidential one
            Assert.Equal((2, 0), (await PartyTotalAsync(outsider, "israel"), await PartyTotalAsync(outsider, "hamas")));
        }

        // Even a row deleted behind the application's back is followed: the database keeps the rollup, not the code.
        await using (var ctx = app.OpenDb())
        {
            await ctx.Database.ExecuteSqlRawAsync("DELETE FROM incident_transitions; DELETE FROM findings; DELETE FROM replies; UPDATE reports SET incident_id = NULL; UPDATE grievances SET incident_id = NULL; DELETE FROM incidents WHERE event_type = 'Gunfire'");
        }
        await AssertRollupMatchesAsync(app);
        Assert.Equal(2, (await CountsAsync(coordinator)).Total);
    }
}
