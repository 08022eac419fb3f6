using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Web.Incidents;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Incidents;

public sealed class ReportApiTests(Apps apps)
{
    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Report(string clientId, string sourceIdentity = "Sami (simulated)", double lat = 31.3462, double lon = 34.3063, string day = "2026-11-20") =>
        $$"""
        {"clientId":"{{clientId}}","sourceType":"civilian","sourceIdentity":"{{sourceIdentity}}","source":"phone call to the monitoring unit",
         "occurredOn":"{{day}}","occurredTime":"06:40:00","latitude":{{lat.ToString(System.Globalization.CultureInfo.InvariantCulture)}},
         "longitude":{{lon.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"geoPrecision":2,"placeName":"near Khan Younis",
         "eventType":"Explosions/Remote violence","subEventType":"Shelling/artillery/missile attack","description":"Shelling heard east of the town (simulated)",
         "allegedParties":["israel"],"fatalities":0}
        """;

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AReportIsPlacedOnArrivalAndItsSourceIsKnownOnlyToThoseWhoMayKnowIt(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        using var monitor = app.Client(Role.Monitor);
        var marker = $"Witness {Guid.NewGuid():N}";
        var response = await monitor.PostAsync("/api/v1/reports", Body(Report($"m-{Guid.NewGuid():N}", marker)));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var report = (await response.Content.ReadFromJsonAsync<ReportView>(Json.Options))!;
        Assert.Equal(("PS0270", "Khan Younis", 2, "restricted"), (report.Governorate, report.Place!.Governorate!.Name, report.GeoPrecision, report.Classification));
        Assert.Equal(new DateTime(2026, 11, 20, 6, 40, 0, DateTimeKind.Utc), report.OccurredAt);
        Assert.Null(report.SourceIdentity); // a monitor may submit, not read sources

        using var coordinator = app.Client(Role.Coordinator);
        var seen = (await coordinator.GetFromJsonAsync<ReportView>($"/api/v1/reports/{report.Id}", Json.Options))!;
        Assert.Equal(marker, seen.SourceIdentity);
        Assert.NotNull(seen.SubmittedBy);
        using var liaison = app.Client(Role.PartyLiaison);
        var partySees = (await liaison.GetFromJsonAsync<ReportView>($"/api/v1/reports/{report.Id}", Json.Options))!;
        Assert.Null(partySees.SourceIdentity);
        Assert.Null(partySees.SubmittedBy);
        Assert.DoesNotContain(marker, await liaison.GetStringAsync($"/api/v1/reports/{report.Id}"));
        // Restricted: an organisation outside the agreement does not see it at all.
        using var donor = app.Client(Role.Donor);
        await ProblemAssert.IsProblem(await donor.GetAsync($"/api/v1/reports/{report.Id}"), HttpStatusCode.NotFound);

        // At rest the identity is ciphertext, and nowhere in the audit trail.
        await using var ctx = app.OpenDb();
        var stored = await ctx.Reports.SingleAsync(r => r.Id == report.Id);
        Assert.StartsWith("pd1:", stored.SourceIdentity);
        Assert.DoesNotContain(marker, stored.SourceIdentity);
        Assert.False(await ctx.AuditEntries.IgnoreQueryFilters().AnyAsync(e => e.Changes.Contains(marker)));
        Assert.True(await ctx.AuditEntries.IgnoreQueryFilters().AnyAsync(e => e.EntityId == report.Id.ToString() && e.Changes.Contains("\"SourceIdentity\":\"(set)\"")));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ARetryWithTheSameClientIdReturnsTheFirstReportAndStoresNothing(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        using var monitor = app.Client(Role.Monitor);
        var clientId = $"device-7/{Guid.NewGuid():N}";
        var first = await monitor.PostAsync("/api/v1/reports", Body(Report(clientId)));
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var id = (await first.Content.ReadFromJsonAsync<ReportView>(Json.Options))!.Id;

        // The same id again (even with other content), and five at once: the first report, nothing new.
        var again = await monitor.PostAsync("/api/v1/reports", Body(Report(clientId, day: "2026-11-19")));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(id, (await again.Content.ReadFromJsonAsync<ReportView>(Json.Options))!.Id);
        var racing = $"race-{Guid.NewGuid():N}";
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => monitor.PostAsync("/api/v1/reports", Body(Report(racing)))));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.Equal(4, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        await using var ctx = app.OpenDb();
        Assert.Equal(1, await ctx.Reports.CountAsync(r => r.ClientId == clientId));
        Assert.Equal(1, await ctx.Reports.CountAsync(r => r.ClientId == racing));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ABadReportNamesEveryProblemAndStoresNothing(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        using var monitor = app.Client(Role.Monitor);
        var outside = await ProblemAssert.IsProblem(await monitor.PostAsync("/api/v1/reports", Body(Report($"o-{Guid.NewGuid():N}", lat: 34.3063, lon: 31.3462))), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("km outside the governorates", outside.FieldErrors("latitude")[0]);
        var missing = await ProblemAssert.IsProblem(await monitor.PostAsync("/api/v1/reports", Body("{\"latitude\":200,\"geoPrecision\":7,\"occurredOn\":\"2030-01-01\"}")), HttpStatusCode.UnprocessableEntity);
        foreach (var field in new[] { "sourceType", "latitude", "longitude", "eventType", "geoPrecision", "occurredOn" })
        {
            Assert.NotEmpty(missing.FieldErrors(field));
        }
        var wrongType = await ProblemAssert.IsProblem(await monitor.PostAsync("/api/v1/reports", Body("{\"sourceType\":\"rumour\"}")), HttpStatusCode.BadRequest);
        Assert.Contains("not valid JSON for this endpoint", wrongType.Detail());
        using var donor = app.Client(Role.Donor);
        await ProblemAssert.IsProblem(await donor.PostAsync("/api/v1/reports", Body(Report("x"))), HttpStatusCode.Forbidden);
        await using var ctx = app.OpenDb();
        Assert.False(await ctx.Reports.AnyAsync(r => r.ClientId == "x"));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ReportsAreListedNewestFirstInKeysetPages(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        using var monitor = app.Client(Role.Monitor);
        var batch = Guid.NewGuid().ToString("N")[..8];
        var ids = new List<Guid>();
        for (var i = 0; i < 5; i++)
        {
            var r = await monitor.PostAsync("/api/v1/reports", Body(Report($"{batch}-{i}", day: "2026-11-0" + (i + 1))));
            ids.Add((await r.Content.ReadFromJsonAsync<ReportView>(Json.Options))!.Id);
        }
        using var coordinator = app.Client(Role.Coordinator);
        var seen = new List<Guid>();
        string? cursor = null;
        do
        {
            var page = (await coordinator.GetFromJsonAsync<ReportPage>($"/api/v1/reports?limit=2&from=2026-11-01&to=2026-11-05{(cursor is null ? "" : $"&cursor={cursor}")}", Json.Options))!;
            Assert.True(page.Items.Count <= 2);
            seen.AddRange(page.Items.Where(r => r.ClientId?.StartsWith(batch, StringComparison.Ordinal) == true).Select(r => r.Id));
            cursor = page.Next;
        }
        while (cursor is not null);
        Assert.Equal(Enumerable.Reverse(ids), seen);
        var badCursor = await ProblemAssert.IsProblem(await coordinator.GetAsync("/api/v1/reports?cursor=page-2"), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("is not a cursor this API gave out", Assert.Single(badCursor.FieldErrors("cursor")));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AReportPlacedWithZonesChangedSinceIsPlacedAgainBeforeItIsStored(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        await app.EnsureGovernoratesAsync();
        using var monitor = app.Client(Role.Monitor);
        var before = (await (await monitor.PostAsync("/api/v1/reports", Body(Report($"z-{Guid.NewGuid():N}")))).Content.ReadFromJsonAsync<ReportView>(Json.Options))!;
        Assert.Empty(before.Place!.Lines);

        // Another process draws a line through the area: this node's catalog still holds the zones it loaded for the
        // first report, and intake places reports with it; the writer sees the version change and places again.
        var line = Path.Combine(Path.GetTempPath(), $"line-{Guid.NewGuid():N}.geojson");
        await File.WriteAllTextAsync(line, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"code\":\"drawn-line\"},"
            + "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[34.32,31.6],[34.32,31.2]]}}]}");
        var imported = await Executable.RunAsync("zones", "import", line, "--kind", "line", "--code-property", "code", "--source", "test",
            "--left-side", "east", "--right-side", "west", "--valid-from", "2026-01-01", "--db", app.Database.ConnectionString);
        Assert.True(imported.ExitCode == 0, imported.All);

        var response = await monitor.PostAsync("/api/v1/reports", Body(Report($"z-{Guid.NewGuid():N}")));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var after = (await response.Content.ReadFromJsonAsync<ReportView>(Json.Options))!;
        var position = Assert.Single(after.Place!.Lines);
        Assert.Equal("drawn-line", position.Code);
        Assert.InRange(position.DistanceMeters, 1_200, 1_400); // 34.3063 to 34.32 at 31.35°N
        await using var ctx = app.OpenDb();
        Assert.Contains("drawn-line", (await ctx.Reports.IgnoreQueryFilters().SingleAsync(r => r.Id == after.Id)).Place);
        // Its audit entry, described before the writer, is described again with the new place.
        var entry = await ctx.AuditEntries.IgnoreQueryFilters().SingleAsync(e => e.EntityType == "Report" && e.EntityId == after.Id.ToString());
        Assert.Contains("drawn-line", entry.Changes);
    }
}
