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

/// <summary>
/// Grouping reads and decides a batch outside the writer's lock and writes it under the lock only if nothing it read has
/// changed. These tests change something between the reading and the writing (as a coordinator or a second grouping pass
/// could) and check that the batch is decided again rather than written over the change. Each runs on an app of its own,
/// whose background grouping is stopped, so no pass but the test's groups its reports.
/// </summary>
public sealed class GroupingWhileChangedTests
{
    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Report(string type, string identity) =>
        $$"""
        {"clientId":"{{Guid.NewGuid():N}}","sourceType":"civilian","sourceIdentity":"{{identity}}","occurredOn":"2026-11-18",
         "latitude":31.3462,"longitude":34.3063,"geoPrecision":1,"eventType":"{{type}}","allegedParties":["israel"]}
        """;

    private static async Task<List<IncidentSummary>> IncidentsAsync(HttpClient client, string type) =>
        (await client.GetFromJsonAsync<IncidentPage>($"/api/v1/incidents?eventType={Uri.EscapeDataString(type)}&limit=50", Json.Options))!.Items.ToList();

    /// <summary>Two reports of one event, the first grouped into an incident and the second awaiting grouping.</summary>
    private static async Task<(Guid Incident, Guid Second)> OneGroupedOneWaitingAsync(TestApp app, string type)
    {
        await app.EnsureGovernoratesAsync();
        using var monitor = app.Client(Role.Monitor);
        Assert.Equal(HttpStatusCode.Created, (await monitor.PostAsync("/api/v1/reports", Body(Report(type, "First (simulated)")))).StatusCode);
        using var coordinator = app.Client(Role.Coordinator);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsync("/api/v1/incidents/grouping", null)).StatusCode);
        var incident = Assert.Single(await IncidentsAsync(coordinator, type)).Id;
        var second = await monitor.PostAsync("/api/v1/reports", Body(Report(type, "Second (simulated)")));
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        return (incident, (await second.Content.ReadFromJsonAsync<ReportView>(Json.Options))!.Id);
    }

    /// <summary>Four reports of one event, from four sources, awaiting grouping; the app's own grouper stopped.</summary>
    private static async Task<string> FourReportsOfOneEventAsync(TestApp app)
    {
        await app.StopBackgroundGroupingAsync();
        await app.EnsureGovernoratesAsync();
        var type = $"Shelling {Guid.NewGuid():N}";
        using var monitor = app.Client(Role.Monitor);
        foreach (var source in new[] { "First", "Second", "Third", "Fourth" })
        {
            Assert.Equal(HttpStatusCode.Created, (await monitor.PostAsync("/api/v1/reports", Body(Report(type, $"{source} (simulated)")))).StatusCode);
        }
        return type;
    }

    /// <summary>A coordinator takes the one incident of the type under review, once the first two batches have made it
    /// of two reports (the second joined what the first wrote).</summary>
    private static async Task TakeTheIncidentOfTwoUnderReviewAsync(HttpClient coordinator, string type)
    {
        var first = Assert.Single(await IncidentsAsync(coordinator, type));
        Assert.Equal(2, first.ReportCount);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsync($"/api/v1/incidents/{first.Id}/transitions",
            Body("""{"state":"underReview","reason":"Patrol sent (simulated)"}"""))).StatusCode);
    }

    private static async Task<int> LinksAuditedAsync(TestApp app, Guid report)
    {
        await using var db = app.OpenDb();
        var id = report.ToString();
        return await db.AuditEntries.IgnoreQueryFilters().CountAsync(e => e.EntityType == "Report" && e.EntityId == id && e.Action == "changed");
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task APassJoinsWhatItsEarlierBatchesWroteButNotWhatSomeoneElseChangedBetweenThem(string kind)
    {
        // One pass, a batch a report: each batch joins the incidents the earlier batches of the pass wrote. Before the third
        // batch is written a coordinator takes the incident under review: that batch, decided again, and the next must not
        // join it.
        await using var app = await TestApp.StartAsync(kind);
        var type = await FourReportsOfOneEventAsync(app);
        using var coordinator = app.Client(Role.Coordinator);
        var calls = 0;

        await using var db = app.OpenDb();
        var outcome = await GroupReports.RunAsync(db, app.Clock, 1, TestContext.Current.CancellationToken, shareWriter: false, beforeWriting: async () =>
        {
            if (++calls == 3)
            {
                await TakeTheIncidentOfTwoUnderReviewAsync(coordinator, type);
            }
        });

        // Only the batch written after the change was decided again.
        Assert.Equal(new GroupReports.Outcome(4, 2, DecidedAgain: 1), outcome);
        var incidents = await IncidentsAsync(coordinator, type);
        Assert.Equal([("reported", 2, 2), ("underReview", 2, 2)], incidents.Select(i => (i.State, i.ReportCount, i.SourceCount)).Order());
        // And as if grouped in one batch: the summaries the pass wrote are those the database's reports give.
        await using var check = app.OpenDb();
        foreach (var incident in incidents)
        {
            Assert.Equal(incident.ReportCount, await check.Reports.IgnoreQueryFilters().CountAsync(r => r.IncidentId == incident.Id));
        }
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AnIncidentChangedBetweenTwoBatchesOfAPassIsReadAgainByTheNext(string kind)
    {
        // A pass keeps the incidents it wrote for its next batch. Here a coordinator takes the first incident under
        // review after the second batch is written and before the third is read: the third must read the incidents
        // again, not join the one it kept as "reported".
        await using var app = await TestApp.StartAsync(kind);
        var type = await FourReportsOfOneEventAsync(app);
        using var coordinator = app.Client(Role.Coordinator);
        var written = 0;

        await using var db = app.OpenDb();
        var outcome = await GroupReports.RunAsync(db, app.Clock, 1, TestContext.Current.CancellationToken, shareWriter: false, beforeWriting: null, afterWriting: async () =>
        {
            if (++written == 2)
            {
                await TakeTheIncidentOfTwoUnderReviewAsync(coordinator, type);
            }
        });

        // Nothing had to be decided again: the third batch was read after the change.
        Assert.Equal(new GroupReports.Outcome(4, 2, DecidedAgain: 0), outcome);
        var incidents = await IncidentsAsync(coordinator, type);
        Assert.Equal([("reported", 2, 2), ("underReview", 2, 2)], incidents.Select(i => (i.State, i.ReportCount, i.SourceCount)).Order());
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AnIncidentTakenUnderReviewWhileABatchIsDecidedIsNotJoinedByIt(string kind)
    {
        await using var app = await TestApp.StartAsync(kind);
        await app.StopBackgroundGroupingAsync();
        var type = $"Shelling {Guid.NewGuid():N}";
        var (incident, second) = await OneGroupedOneWaitingAsync(app, type);
        using var coordinator = app.Client(Role.Coordinator);
        var calls = 0;

        await using var db = app.OpenDb();
        var outcome = await GroupReports.RunAsync(db, app.Clock, 500, TestContext.Current.CancellationToken, shareWriter: false, beforeWriting: async () =>
        {
            // The batch has decided the second report joins the incident; a coordinator now takes the incident under review.
            if (calls++ == 0)
            {
                Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsync($"/api/v1/incidents/{incident}/transitions",
                    Body("""{"state":"underReview","reason":"Patrol sent (simulated)"}"""))).StatusCode);
            }
        });

        // Decided again: an incident under review takes no more reports, so the second report opens an incident of its own.
        Assert.Equal(new GroupReports.Outcome(1, 1, DecidedAgain: 1), outcome);
        var incidents = await IncidentsAsync(coordinator, type);
        Assert.Equal(2, incidents.Count);
        var reviewed = Assert.Single(incidents, i => i.Id == incident);
        Assert.Equal(("underReview", 1), (reviewed.State, reviewed.ReportCount));
        var opened = Assert.Single(incidents, i => i.Id != incident);
        Assert.Equal(("reported", 1), (opened.State, opened.ReportCount));
        var detail = (await coordinator.GetFromJsonAsync<IncidentDetail>($"/api/v1/incidents/{opened.Id}", Json.Options))!;
        Assert.Equal(second, Assert.Single(detail.Reports).Id);
        // The first attempt was rolled back whole: the report's link is audited once, to the incident it is in.
        Assert.Equal(1, await LinksAuditedAsync(app, second));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ReportsGroupedByAnotherPassWhileABatchIsDecidedAreNotGroupedTwice(string kind)
    {
        await using var app = await TestApp.StartAsync(kind);
        await app.StopBackgroundGroupingAsync();
        var type = $"Gunfire {Guid.NewGuid():N}";
        var (incident, second) = await OneGroupedOneWaitingAsync(app, type);
        using var coordinator = app.Client(Role.Coordinator);
        var calls = 0;

        await using var db = app.OpenDb();
        var outcome = await GroupReports.RunAsync(db, app.Clock, 500, TestContext.Current.CancellationToken, shareWriter: false, beforeWriting: async () =>
        {
            if (calls++ == 0)
            {
                // Another pass (a coordinator's) groups the same report first.
                Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsync("/api/v1/incidents/grouping", null)).StatusCode);
            }
        });

        // Nothing left to group when decided again; the incident counts the report once.
        Assert.Equal(new GroupReports.Outcome(0, 0, DecidedAgain: 1), outcome);
        Assert.Equal(1, calls);
        var only = Assert.Single(await IncidentsAsync(coordinator, type));
        Assert.Equal((incident, 2, 2), (only.Id, only.ReportCount, only.SourceCount));
        Assert.Equal(1, await LinksAuditedAsync(app, second));
    }
}
