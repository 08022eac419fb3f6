using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Truceline.Access;
using Truceline.Web.Aid;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Aid;

/// <summary>Figures are totals over everything recorded, so each test here runs on an app of its own.</summary>
public sealed class AidFiguresTests
{
    private static StringContent Body(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    private static string UnrwaFile => Path.Combine(TestFiles.Shared, "data", "aid", "unrwa-gaza-supplies-dispatch-tracking-commodities-received-13.csv");

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task UnrwasTruckDataImportedAsPublishedGivesTheMonthlyTotalUnrwaPublished(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        await app.EnsureCrossingsAsync();
        // How UNRWA names two crossings; "Gate 96" and "JLOTS" (the maritime pier) are no crossing in the file.
        await using (var ctx = app.OpenDb())
        {
            Assert.True((await Truceline.Geo.AddZoneAlias.RunAsync(ctx, "Rafah", "Rafah Crossing")).Succeeded);
            Assert.True((await Truceline.Geo.AddZoneAlias.RunAsync(ctx, "Zikim", "Western Erez")).Succeeded);
        }
        using var agency = app.Client(Role.Agency);
        await using var file = File.OpenRead(UnrwaFile);
        var content = new StreamContent(file);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        var response = await agency.PostAsync("/api/v1/consignments/import", content);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var result = (await response.Content.ReadFromJsonAsync<ImportResultView>(Json.Options))!;
        Assert.Equal((true, "unrwa-supplies", 50_059, 0), (result.Committed, result.Layout, result.Imported, result.AlreadyPresent));
        Assert.Equal(2_297 + 638, result.UnknownCrossings);
        await using (var ctx = app.OpenDb())
        {
            var byCrossing = ctx.Consignments.GroupBy(c => c.Crossing).Select(g => new { g.Key, Trucks = g.Sum(c => c.Trucks), Placed = g.Count(c => c.CrossingZoneId != null) })
                .ToList().ToDictionary(g => g.Key, g => (g.Trucks, g.Placed));
            Assert.Equal((27_498.0, 27_498), byCrossing["Kerem Shalom"]);
            Assert.Equal((11_080.0, 11_080), byCrossing["Rafah"]);
            Assert.Equal((6_304.0, 6_304), byCrossing["Zikim"]);
            Assert.Equal((2_170.0, 2_170), byCrossing["Erez"]);
            Assert.Equal((2_297.0, 0), byCrossing["Gate 96"]);
            Assert.Equal((638.0, 0), byCrossing["JLOTS"]);
        }

        // "Data from the U.N. Palestinian relief agency UNRWA showed 2,892 aid trucks entered Gaza in December."
        // (Reuters, 20 January 2025, on December 2024).
        using var anonymous = app.Client();
        var months = (await anonymous.GetFromJsonAsync<List<MonthView>>("/api/v1/aid/monthly?from=2023-10-01&to=2025-01-31", Json.Options))!;
        Assert.Equal(2_892, months.Single(m => m is { Year: 2024, Month: 12 }).Trucks);
        Assert.Equal(50_059, months.Sum(m => m.Trucks));
        // The same article: OCHA "between Jan. 1-5 it was a daily average of 51".
        var january = (await anonymous.GetFromJsonAsync<AidFiguresView>("/api/v1/aid/figures?from=2025-01-01&to=2025-01-05", Json.Options))!;
        Assert.Equal(51, january.TrucksPerDay);

        await using var again = File.OpenRead(UnrwaFile);
        var repeat = new StreamContent(again);
        repeat.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/csv");
        var second = (await (await agency.PostAsync("/api/v1/consignments/import", repeat)).Content.ReadFromJsonAsync<ImportResultView>(Json.Options))!;
        Assert.Equal((0, 50_059), (second.Imported, second.AlreadyPresent));
        months = (await anonymous.GetFromJsonAsync<List<MonthView>>("/api/v1/aid/monthly?from=2023-10-01&to=2025-01-31", Json.Options))!;
        Assert.Equal(2_892, months.Single(m => m is { Year: 2024, Month: 12 }).Trucks);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task DistributionsPerHeadAndTheEquityIndexMatchHandComputedValues(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        await app.EnsureGovernoratesAsync();
        using var coordinator = app.Client(Role.Coordinator);
        // Need: North Gaza 100,000 of 400,000; Gaza 300,000 of 600,000; the other three 0 in need of 100,000 each.
        (string Code, long Population, long InNeed)[] figures =
            [("PS0255", 400_000, 100_000), ("PS0260", 600_000, 300_000), ("PS0265", 100_000, 0), ("PS0270", 100_000, 0), ("PS0275", 100_000, 0)];
        foreach (var (code, population, inNeed) in figures)
        {
            var r = await coordinator.PostAsync("/api/v1/aid/governorate-figures", Body(new { governorate = code, population, peopleInNeed = inNeed, asOf = "2026-11-01", source = "Test figures" }));
            Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        }
        using var agency = app.Client(Role.Agency);
        // 200 t to North Gaza and 200 t to Gaza: North Gaza has 25% of the need and 50% of the tonnes.
        foreach (var (code, tonnes, people) in new[] { ("PS0255", 200.0, 50_000), ("PS0260", 150.0, 90_000), ("PS0260", 50.0, 30_000) })
        {
            var r = await agency.PostAsync("/api/v1/distributions", Body(new { day = "2026-11-15", governorate = code, category = "food", quantity = tonnes * 100, unit = "food parcels", tonnes, peopleReached = people }));
            Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync());
        }
        using var anonymous = app.Client();
        var view = (await anonymous.GetFromJsonAsync<AidFiguresView>("/api/v1/aid/figures?from=2026-11-01&to=2026-11-21", Json.Options))!;
        var north = view.Distributions.Governorates.Single(g => g.Governorate == "PS0255");
        var gaza = view.Distributions.Governorates.Single(g => g.Governorate == "PS0260");
        Assert.Equal((200.0, 50_000L), (north.Tonnes, north.PeopleReached));
        Assert.Equal(0.5, north.KgPerHead);            // 200,000 kg / 400,000 people
        Assert.Equal(2.0, north.KgPerPersonInNeed);    // 200,000 kg / 100,000 in need
        Assert.Equal(0.5, north.PeopleReachedPerPersonInNeed);
        Assert.Equal((200.0, 120_000L), (gaza.Tonnes, gaza.PeopleReached));
        Assert.Equal(200_000.0 / 600_000, gaza.KgPerHead!.Value, 6);
        Assert.Equal(200_000.0 / 300_000, gaza.KgPerPersonInNeed!.Value, 6);
        // Shares of tonnes 0.5/0.5/0/0/0 against shares of need 0.25/0.75/0/0/0: 1 − ½(0.25 + 0.25) = 0.75.
        Assert.Equal(0.75, view.Distributions.EquityIndex);
        Assert.Contains("Equity index = 1 − ½", view.EquityIndexDefinition);

        var outOfRange = await agency.PostAsync("/api/v1/distributions", Body(new { day = "2026-12-25", governorate = "PS0255", category = "food", quantity = -5, unit = "", peopleReached = -1 }));
        var problem = await ProblemAssert.IsProblem(outOfRange, HttpStatusCode.UnprocessableEntity);
        Assert.Equal(["is in the future"], problem.FieldErrors("day"));
        Assert.Contains("more than 0", problem.FieldErrors("quantity").Single());
        Assert.NotEmpty(problem.FieldErrors("peopleReached"));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task StageTimesOverSeveralMonthsCountEachDayOnceWhetherReadByMonthOrByDay(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        await app.EnsureCrossingsAsync();
        using var agency = app.Client(Role.Agency);
        // Cleared after 1 hour on 20 September, 5 hours on 10 October, 9 hours on 1 November.
        foreach (var (day, hours) in new[] { ("2026-09-20", 1), ("2026-10-10", 5), ("2026-11-01", 9) })
        {
            var c = await ConsignmentTests.RegisterAsync(agency, $"T-{day}", $"{day}T00:00:00Z");
            Assert.Equal(HttpStatusCode.Created, (await ConsignmentTests.MoveAsync(agency, c.Id, "cleared", $"{day}T{hours:00}:00:00Z")).StatusCode);
        }
        using var anonymous = app.Client();
        async Task<(long N, double? Median, double? P90)> RequestedAsync(string from, string to)
        {
            var view = (await anonymous.GetFromJsonAsync<AidFiguresView>($"/api/v1/aid/figures?from={from}&to={to}", Json.Options))!;
            var t = view.StageTimes.Single(s => s.Stage == "requested");
            return (t.Consignments, t.MedianHours, t.P90Hours);
        }
        // Part of September, all of October, part of November: the middle month is read whole, the ends by day.
        var all = await RequestedAsync("2026-09-15", "2026-11-05");
        Assert.Equal(3, all.N);
        Assert.InRange(all.Median!.Value, 5 * 0.95, 5 * 1.05);
        Assert.InRange(all.P90!.Value, 9 * 0.95, 9 * 1.05);
        Assert.Equal(1, (await RequestedAsync("2026-10-01", "2026-10-31")).N);
        Assert.Equal(2, (await RequestedAsync("2026-09-21", "2026-11-05")).N);
        Assert.Equal(2, (await RequestedAsync("2026-09-01", "2026-10-31")).N);
        Assert.Equal(0, (await RequestedAsync("2026-10-11", "2026-10-31")).N);
        Assert.Equal(1, (await RequestedAsync("2026-11-01", "2026-11-01")).N);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task TheFunnelCountsEachStepAndTheLossesAfterItAndStageTimesHaveMedianAndNinetiethPercentile(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        await app.EnsureCrossingsAsync();
        using var agency = app.Client(Role.Agency);
        // Ten consignments requested at 06:00 and cleared after 1, 2, … 10 hours; eight go on, two are denied… no: two are lost after offloading.
        var ids = new List<Guid>();
        for (var i = 1; i <= 10; i++)
        {
            var c = await ConsignmentTests.RegisterAsync(agency, $"F-{i}", "2026-11-20T00:00:00Z");
            ids.Add(c.Id);
            Assert.Equal(HttpStatusCode.Created, (await ConsignmentTests.MoveAsync(agency, c.Id, "cleared", $"2026-11-20T{i:00}:00:00Z")).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await ConsignmentTests.MoveAsync(agency, c.Id, "arrived-at-crossing", $"2026-11-20T{i + 1:00}:00:00Z")).StatusCode);
            Assert.Equal(HttpStatusCode.Created, (await ConsignmentTests.MoveAsync(agency, c.Id, "offloaded", $"2026-11-20T{i + 2:00}:00:00Z")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Created, (await ConsignmentTests.MoveAsync(agency, ids[0], "lost", "2026-11-20T20:00:00Z", "Looted after offloading")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await ConsignmentTests.MoveAsync(agency, ids[1], "intercepted", "2026-11-20T20:00:00Z", "Stopped by armed men")).StatusCode);
        foreach (var id in ids.Skip(2))
        {
            Assert.Equal(HttpStatusCode.Created, (await ConsignmentTests.MoveAsync(agency, id, "collected", "2026-11-20T21:00:00Z")).StatusCode);
        }

        using var anonymous = app.Client();
        var view = (await anonymous.GetFromJsonAsync<AidFiguresView>("/api/v1/aid/figures?from=2026-11-20&to=2026-11-20", Json.Options))!;
        Assert.Equal([10L, 10, 10, 10, 8, 0], view.Funnel.Select(f => f.Consignments));
        var offloaded = view.Funnel.Single(f => f.Stage == "offloaded");
        Assert.Equal(new Dictionary<string, long> { ["lost"] = 1, ["intercepted"] = 1 }, offloaded.LostAfter);
        // Time in "requested": 1 … 10 hours; the median is the 5th (5 h), the 90th percentile the 9th (9 h), within the 5% buckets.
        var requested = view.StageTimes.Single(t => t.Stage == "requested");
        Assert.Equal(10, requested.Consignments);
        Assert.InRange(requested.MedianHours!.Value, 5 * 0.95, 5 * 1.05);
        Assert.InRange(requested.P90Hours!.Value, 9 * 0.95, 9 * 1.05);
        Assert.Equal(1.0, view.StageTimes.Single(t => t.Stage == "cleared").MedianHours!.Value, 0.05);
        // Entered = offloaded: 10 consignments of 12 trucks and 116 t each, all at Kerem Shalom.
        Assert.Equal((120.0, 1160.0), (view.Daily.Single().Trucks, view.Daily.Single().Tonnes));
        Assert.Equal(("Kerem Shalom", 120.0), (view.ByCrossing.Single().Key, view.ByCrossing.Single().Trucks));
        Assert.Equal("mixed", view.ByCategory.Single().Key);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ExportsCarryTheHxlHashtagRowAndTheTargetComesFromThePlan(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        await app.EnsureCrossingsAsync();
        await app.ImportGazaPlanAsync();
        using var agency = app.Client(Role.Agency);
        var c = await ConsignmentTests.RegisterAsync(agency, "=HYPERLINK(\"http://evil\")");
        using var anonymous = app.Client();
        var figures = (await anonymous.GetFromJsonAsync<AidFiguresView>("/api/v1/aid/figures", Json.Options))!;
        Assert.Equal((600.0, "trucks/day"), (figures.Target!.Value, figures.Target.Unit));
        Assert.EndsWith("/AID-TRUCKS", figures.Target.Metric);

        var daily = await anonymous.GetStringAsync("/api/v1/aid/export/daily.csv");
        var lines = daily.Split("\r\n".ToCharArray(), StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("day,crossing,category,stage,from_stage,consignments,trucks,tonnes", lines[0]);
        Assert.Equal("#date,#loc+crossing,#item+type,#status,#status+previous,#indicator+num+consignments,#indicator+num+trucks,#indicator+num+tonnes", lines[1]);
        Assert.Equal("2026-11-20,Kerem Shalom,mixed,requested,,1,12,116", lines[2]);

        var consignments = await agency.GetStringAsync("/api/v1/aid/export/consignments.csv");
        Assert.Contains("#meta+id,#org,#loc+crossing,#adm1+code", consignments);
        // A reference a spreadsheet would run as a formula is written as text.
        Assert.Contains("\"'=HYPERLINK(\"\"http://evil\"\")\"", consignments);
        var json = JsonDocument.Parse(await agency.GetStringAsync("/api/v1/aid/export/consignments.json")).RootElement;
        Assert.Equal("=HYPERLINK(\"http://evil\")", json.GetProperty("rows")[0].GetProperty("reference").GetString());
        Assert.Equal(c.Reference, json.GetProperty("rows")[0].GetProperty("reference").GetString());
        Assert.False(json.GetProperty("simulated").GetBoolean());

        var missing = await ProblemAssert.IsProblem(await anonymous.GetAsync("/api/v1/aid/export/secrets.csv"), HttpStatusCode.NotFound);
        Assert.Contains("Tables: daily.csv|.json", missing.Detail());
    }
}
