using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Incidents;
using Truceline.Web.Incidents;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Incidents;

/// <summary>POST /api/v1/reports/batch: a device's queue or a partner's feed in one request, stored all or none.</summary>
public sealed class ReportBatchTests(Apps apps)
{
    private const string Url = "/api/v1/reports/batch";

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Report(string? clientId, double lat = 31.3462, double lon = 34.3063, string identity = "Sami (simulated)") =>
        $$"""
        {{{(clientId is null ? "" : $"\"clientId\":\"{clientId}\",")}}"sourceType":"monitorPatrol","sourceIdentity":"{{identity}}","occurredOn":"2026-11-20",
         "latitude":{{lat.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"longitude":{{lon.ToString(System.Globalization.CultureInfo.InvariantCulture)}},
         "eventType":"Explosions/Remote violence","description":"Shelling heard east of the town (simulated)","allegedParties":["israel"]}
        """;

    private static StringContent Batch(params string[] reports) => Body($"{{\"reports\":[{string.Join(",", reports)}]}}");

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ABatchIsStoredInOneGoAndSentAgainStoresNothing(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        using var monitor = app.Client(Role.Monitor);
        var device = $"device-9/{Guid.NewGuid():N}";
        var marker = $"Witness {Guid.NewGuid():N}";
        // Three reports, the third a twin of the first (a device that queued one report twice).
        var sent = Batch(Report($"{device}/1", identity: marker), Report($"{device}/2", lat: 31.5017, lon: 34.4668), Report($"{device}/1"));
        var response = await monitor.PostAsync(Url, sent);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = (await response.Content.ReadFromJsonAsync<ReportBatchAnswer>(Json.Options))!;
        Assert.Equal((2, 1), (answer.Created, answer.AlreadyStored));
        Assert.Equal([($"{device}/1", true, "PS0270"), ($"{device}/2", true, "PS0260"), ($"{device}/1", false, "PS0270")],
            answer.Items.Select(i => (i.ClientId!, i.Created, i.Governorate!)));
        Assert.Equal(answer.Items[0].Id, answer.Items[2].Id);

        // Each is a report like any other: placed, its source known to a coordinator, encrypted at rest, audited.
        using var coordinator = app.Client(Role.Coordinator);
        var first = (await coordinator.GetFromJsonAsync<ReportView>($"/api/v1/reports/{answer.Items[0].Id}", Json.Options))!;
        Assert.Equal((marker, "Khan Younis", "api"), (first.SourceIdentity, first.Place!.Governorate!.Name, first.Channel));
        await using (var ctx = app.OpenDb())
        {
            var ids = answer.Items.Select(i => i.Id.ToString()).Distinct().ToList();
            Assert.Equal(2, await ctx.AuditEntries.IgnoreQueryFilters().CountAsync(e => e.EntityType == "Report" && e.Action == "created" && ids.Contains(e.EntityId)));
            Assert.False(await ctx.AuditEntries.IgnoreQueryFilters().AnyAsync(e => e.Changes.Contains(marker)));
            Assert.DoesNotContain(marker, (await ctx.Reports.IgnoreQueryFilters().SingleAsync(r => r.Id == answer.Items[0].Id)).SourceIdentity);
            Assert.True((await Truceline.Audit.AuditChain.VerifyAsync(ctx)).Intact);
        }

        // The answer was lost and the device sends the batch again: the same reports, nothing new.
        var again = (await (await monitor.PostAsync(Url, Batch(Report($"{device}/1"), Report($"{device}/2", lat: 31.5017, lon: 34.4668), Report($"{device}/1"))))
            .Content.ReadFromJsonAsync<ReportBatchAnswer>(Json.Options))!;
        Assert.Equal((0, 3), (again.Created, again.AlreadyStored));
        Assert.Equal(answer.Items.Select(i => i.Id), again.Items.Select(i => i.Id));
        // One report of it sent alone is the same report too: one client id per channel, whichever endpoint.
        var alone = await monitor.PostAsync("/api/v1/reports", Body(Report($"{device}/2", lat: 31.5017, lon: 34.4668)));
        Assert.Equal(HttpStatusCode.OK, alone.StatusCode);
        Assert.Equal(answer.Items[1].Id, (await alone.Content.ReadFromJsonAsync<ReportView>(Json.Options))!.Id);
        await using (var ctx = app.OpenDb())
        {
            Assert.Equal(2, await ctx.Reports.IgnoreQueryFilters().CountAsync(r => r.ClientId!.StartsWith(device)));
        }
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ABadBatchNamesEachReportsProblemsAndStoresNothing(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        using var monitor = app.Client(Role.Monitor);
        var device = $"device-bad/{Guid.NewGuid():N}";

        // A good report, one out of range, one outside the area (latitude and longitude swapped), a null.
        var bad = await ProblemAssert.IsProblem(await monitor.PostAsync(Url, Batch(Report($"{device}/ok"), Report($"{device}/range", lat: 200),
            Report($"{device}/swapped", lat: 34.3063, lon: 31.3462), "null")), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("is required, in decimal degrees between -90 and 90", Assert.Single(bad.FieldErrors("reports[1].latitude")));
        Assert.Contains("km outside the governorates", Assert.Single(bad.FieldErrors("reports[2].latitude")));
        Assert.Equal("is null; each report is an object", Assert.Single(bad.FieldErrors("reports[3]")));
        Assert.Empty(bad.FieldErrors("reports[0].latitude"));
        // No reports, too many, none at all.
        Assert.Equal($"send from 1 to {SubmitReports.MaxBatch} reports (you sent 0); send more in further requests",
            Assert.Single((await ProblemAssert.IsProblem(await monitor.PostAsync(Url, Batch()), HttpStatusCode.UnprocessableEntity)).FieldErrors("reports")));
        var tooMany = Batch(Enumerable.Range(0, SubmitReports.MaxBatch + 1).Select(i => Report($"{device}/many-{i}")).ToArray());
        Assert.Contains("you sent 1001", Assert.Single((await ProblemAssert.IsProblem(await monitor.PostAsync(Url, tooMany), HttpStatusCode.UnprocessableEntity)).FieldErrors("reports")));
        Assert.NotEmpty((await ProblemAssert.IsProblem(await monitor.PostAsync(Url, Body("{}")), HttpStatusCode.UnprocessableEntity)).FieldErrors("reports"));

        // Broken JSON, broken UTF-8, a body over the limit.
        await ProblemAssert.IsProblem(await monitor.PostAsync(Url, Body("{\"reports\":[{\"sourceType\":")), HttpStatusCode.BadRequest);
        var broken = new ByteArrayContent([.. Encoding.UTF8.GetBytes("{\"reports\":[{\"description\":\"caf"), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("\"}]}")]);
        broken.Headers.ContentType = new("application/json");
        await ProblemAssert.IsProblem(await monitor.PostAsync(Url, broken), HttpStatusCode.BadRequest);
        var huge = Body($"{{\"reports\":[{{\"description\":\"{new string('x', ReportsApi.MaxBatchBytes)}\"}}]}}");
        // As a client sending a large body does: it waits for 100-continue, and the server refuses before reading it.
        using var hugePost = new HttpRequestMessage(HttpMethod.Post, Url) { Content = huge };
        hugePost.Headers.ExpectContinue = true;
        var tooLarge = await ProblemAssert.IsProblem(await monitor.SendAsync(hugePost), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal($"The request body is too large: {Url} accepts at most {ReportsApi.MaxBatchBytes} bytes (16 MiB).", tooLarge.Detail());

        // A client id another account used: refused with its place in the batch, and the rest not stored either.
        using var other = await app.ClientOfNewOrganisationAsync(Role.Monitor, "Another monitoring team (simulated)");
        Assert.Equal(HttpStatusCode.Created, (await other.PostAsync("/api/v1/reports", Body(Report($"{device}/taken")))).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await other.PostAsync("/api/v1/reports", Body(Report($"{device}/taken-too")))).StatusCode);
        var taken = await ProblemAssert.IsProblem(await monitor.PostAsync(Url, Batch(Report($"{device}/ok"), Report($"{device}/taken"), Report($"{device}/taken-too"))),
            HttpStatusCode.Conflict);
        Assert.StartsWith($"reports[1]: The client id '{device}/taken' was already used by another account", taken.Detail());
        Assert.Contains($"reports[2]: The client id '{device}/taken-too' was already used", taken.Detail()); // every one refused, in one answer
        Assert.Equal((1, 1, 0), (taken.FieldErrors("reports[1].clientId").Length, taken.FieldErrors("reports[2].clientId").Length, taken.FieldErrors("reports[0].clientId").Length));

        // Only those allowed to submit reports may send a batch.
        using var donor = app.Client(Role.Donor);
        await ProblemAssert.IsProblem(await donor.PostAsync(Url, Batch(Report($"{device}/donor"))), HttpStatusCode.Forbidden);

        await using var ctx = app.OpenDb();
        Assert.Equal([$"{device}/taken", $"{device}/taken-too"],
            (await ctx.Reports.IgnoreQueryFilters().Where(r => r.ClientId!.StartsWith(device)).Select(r => r.ClientId!).ToListAsync()).Order());
    }
}
