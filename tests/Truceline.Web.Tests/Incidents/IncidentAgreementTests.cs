using System.Net;
using System.Net.Http.Json;
using System.Text;
using Truceline.Access;
using Truceline.Web.Incidents;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Incidents;

/// <summary>With more than one agreement, an incident belongs to the one in force on the day it happened.</summary>
public sealed class IncidentAgreementTests
{
    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AnIncidentAttachesToTheAgreementInForceOnItsDayAndItsQuorumApplies(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        await app.EnsureGovernoratesAsync();
        // The Gaza plan (from 10 October 2025, open-ended), then an earlier agreement that ended (2024), imported after it.
        var gaza = await app.ImportGazaPlanAsync(withHistory: false);
        var earlier = "earlier-" + Guid.NewGuid().ToString("N")[..8];
        var plan = await TestApp.GazaPlanAsync(earlier, withHistory: false);
        foreach (var (phase, i) in plan["agreement"]!["phases"]!.AsArray().Select((p, i) => (p!, i)))
        {
            phase["startsOn"] = i == 0 ? "2024-01-15" : "2024-06-01";
            phase["endsOn"] = i == 0 ? "2024-05-31" : "2024-12-31";
        }
        using var admin = app.Client(Role.Administrator);
        var imported = await admin.PostAsync("/api/v1/plans", new StringContent(plan.ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True(imported.StatusCode == HttpStatusCode.Created, await imported.Content.ReadAsStringAsync());
        await using (var ctx = app.OpenDb())
        {
            var agreement = ctx.Agreements.Single(a => a.Code == earlier);
            agreement.VerificationQuorum = 3;
            await ctx.SaveChangesAsync();
        }

        using var monitor = app.Client(Role.Monitor);
        // The last two: the same place and type a day apart, but the earlier agreement ends between them.
        foreach (var (type, day) in new[] { ("Agreement test 2024", "2024-07-01"), ("Agreement test 2026", "2026-11-18"), ("Agreement test 2023", "2023-03-01"),
            ("Agreement boundary", "2024-12-31"), ("Agreement boundary", "2025-01-01") })
        {
            var body = $$"""{"clientId":"{{Guid.NewGuid():N}}","sourceType":"monitorPatrol","occurredOn":"{{day}}","latitude":31.3462,"longitude":34.3063,"geoPrecision":1,"eventType":"{{type}}"}""";
            Assert.Equal(HttpStatusCode.Created, (await monitor.PostAsync("/api/v1/reports", new StringContent(body, Encoding.UTF8, "application/json"))).StatusCode);
        }
        using var coordinator = app.Client(Role.Coordinator);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsync("/api/v1/incidents/grouping", null)).StatusCode);
        var incidents = (await coordinator.GetFromJsonAsync<IncidentPage>("/api/v1/incidents?limit=10", Json.Options))!.Items;
        async Task<int> QuorumOfAsync(string type) =>
            (await coordinator.GetFromJsonAsync<IncidentDetail>($"/api/v1/incidents/{incidents.Single(i => i.EventType == type).Id}", Json.Options))!.Quorum.Required;
        Assert.Equal(3, await QuorumOfAsync("Agreement test 2024")); // in the earlier agreement's span: its quorum of 3
        Assert.Equal(2, await QuorumOfAsync("Agreement test 2026")); // the Gaza plan, in force since October 2025
        Assert.Equal(2, await QuorumOfAsync("Agreement test 2023")); // no agreement in force: the first created
        await using (var ctx = app.OpenDb())
        {
            var codes = ctx.Agreements.ToDictionary(a => a.Id, a => a.Code);
            var byType = ctx.Incidents.Where(i => i.EventType.StartsWith("Agreement test")).ToList().ToDictionary(i => i.EventType, i => codes[i.AgreementId!.Value]);
            Assert.Equal((earlier, gaza, gaza), (byType["Agreement test 2024"], byType["Agreement test 2026"], byType["Agreement test 2023"]));
            // Two incidents, one each side of the day the earlier agreement ended, not one event spanning two agreements.
            var boundary = ctx.Incidents.Where(i => i.EventType == "Agreement boundary").OrderBy(i => i.OccurredOn).ToList();
            Assert.Equal([(new DateOnly(2024, 12, 31), earlier, 1), (new DateOnly(2025, 1, 1), gaza, 1)],
                boundary.Select(i => (i.OccurredOn, codes[i.AgreementId!.Value], i.ReportCount)).ToArray());
        }
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AReportNamingItsAgreementJoinsThatAgreementsIncidentsEvenWhenTwoAreInForceAtOnce(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        await app.EnsureGovernoratesAsync();
        // Two agreements in force over the same days: the Gaza plan, and another imported after it (quorum 3).
        var gaza = await app.ImportGazaPlanAsync(withHistory: false);
        var other = "other-" + Guid.NewGuid().ToString("N")[..8];
        using var admin = app.Client(Role.Administrator);
        var imported = await admin.PostAsync("/api/v1/plans", new StringContent((await TestApp.GazaPlanAsync(other, withHistory: false)).ToJsonString(), Encoding.UTF8, "application/json"));
        Assert.True(imported.StatusCode == HttpStatusCode.Created, await imported.Content.ReadAsStringAsync());
        await using (var ctx = app.OpenDb())
        {
            ctx.Agreements.Single(a => a.Code == other).VerificationQuorum = 3;
            await ctx.SaveChangesAsync();
        }

        using var monitor = app.Client(Role.Monitor);
        string Report(string? agreement, string? clientId = null) =>
            $$"""{"clientId":"{{clientId ?? Guid.NewGuid().ToString("N")}}","sourceType":"monitorPatrol","occurredOn":"2026-11-18","latitude":31.3462,"longitude":34.3063,"geoPrecision":1,"eventType":"Overlap test"{{(agreement is null ? "" : $",\"agreement\":\"{agreement}\"")}}}""";
        StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");
        // Named nowhere: the agreement in force on its day, the first created of the two. Named: that one, by either endpoint.
        Assert.Equal(HttpStatusCode.Created, (await monitor.PostAsync("/api/v1/reports", Json(Report(null)))).StatusCode);
        var named = await monitor.PostAsync("/api/v1/reports", Json(Report($" {other} ")));
        Assert.Equal(HttpStatusCode.Created, named.StatusCode);
        var view = (await named.Content.ReadFromJsonAsync<ReportView>(Infrastructure.Json.Options))!;
        Assert.Equal(HttpStatusCode.OK, (await monitor.PostAsync("/api/v1/reports/batch", Json($"{{\"reports\":[{Report(other)}]}}"))).StatusCode);

        // The web form offers the choice once there are two, and files the report under the one chosen.
        using var formUser = await FormSignIn.ClientAsync(app, Role.Monitor);
        var form = await formUser.GetStringAsync("/reports/new");
        Assert.Contains($"<option value=\"{other}\">", form);
        var filed = await FormSignIn.PostFormAsync(formUser, "/reports/new", null, new Dictionary<string, string>
        {
            ["clientId"] = $"web-{Guid.NewGuid():N}", ["sourceType"] = "MonitorPatrol", ["occurredOn"] = "2026-11-18", ["timePrecision"] = "1", ["latitude"] = "31.3462",
            ["longitude"] = "34.3063", ["geoPrecision"] = "1", ["eventType"] = "Overlap test", ["agreement"] = other,
        });
        Assert.True(filed.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found, $"{filed.StatusCode}: {await filed.Content.ReadAsStringAsync()}");
        var shown = await formUser.GetStringAsync(filed.Headers.Location);
        Assert.Contains("Your report is filed.", shown);
        Assert.Contains("Overlap test", shown);

        // An agreement no one has: refused by name, on both endpoints, nothing stored.
        var unknown = await ProblemAssert.IsProblem(await monitor.PostAsync("/api/v1/reports", Json(Report("no-such-plan"))), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("no agreement you may read has the code 'no-such-plan'; leave it out for the agreement in force on the report's day", Assert.Single(unknown.FieldErrors("agreement")));
        var unknownInBatch = await ProblemAssert.IsProblem(await monitor.PostAsync("/api/v1/reports/batch", Json($"{{\"reports\":[{Report(other)},{Report("no-such-plan")}]}}")),
            HttpStatusCode.UnprocessableEntity);
        Assert.NotEmpty(unknownInBatch.FieldErrors("reports[1].agreement"));
        // One whose phases say it was not yet in force on the report's day: its quorum and parties were not the ones that applied.
        var early = await ProblemAssert.IsProblem(await monitor.PostAsync("/api/v1/reports", Json(Report(other).Replace("2026-11-18", "2025-01-01"))), HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith($"the agreement '{other}' is in force from 2025-", Assert.Single(early.FieldErrors("agreement")));
        Assert.EndsWith(", not on 2025-01-01", Assert.Single(early.FieldErrors("agreement")));

        // OpenRosa: the form's optional agreement question (ODK Collect posts the instance as a multipart form).
        using var collect = new HttpClient { BaseAddress = app.Address };
        collect.DefaultRequestHeaders.Authorization = new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"collect:{app.Token(Role.Monitor)}")));
        collect.DefaultRequestHeaders.Add("X-OpenRosa-Version", "1.0");
        MultipartFormDataContent Instance(string agreement)
        {
            var xml = $"""<?xml version='1.0' ?><data id="{Truceline.Incidents.OpenRosa.FormId}" version="{Truceline.Incidents.OpenRosa.FormVersion}"><source_type>monitorPatrol</source_type><occurred>2026-11-18</occurred><location>31.3462 34.3063 0 5</location><geo_precision>1</geo_precision><event_type>battles</event_type><agreement>{agreement}</agreement><meta><instanceID>uuid:{Guid.NewGuid()}</instanceID></meta></data>""";
            var part = new ByteArrayContent(Encoding.UTF8.GetBytes(xml));
            part.Headers.ContentType = new("text/xml");
            return new MultipartFormDataContent { { part, Truceline.Incidents.OpenRosa.XmlPart, "instance.xml" } };
        }
        Assert.Equal(HttpStatusCode.Created, (await collect.PostAsync("/api/v1/openrosa/submission", Instance(other))).StatusCode);
        var fromField = await ProblemAssert.IsProblem(await collect.PostAsync("/api/v1/openrosa/submission", Instance("no-such-plan")), HttpStatusCode.UnprocessableEntity);
        Assert.NotEmpty(fromField.FieldErrors("agreement"));

        // The CSV import names one agreement for the whole file, or refuses an unknown one and imports nothing.
        var csv = Path.Combine(Path.GetTempPath(), $"overlap-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(csv, "event_id_cnty,event_date,event_type,latitude,longitude,geo_precision\n" + $"OVL{Guid.NewGuid():N},2026-11-18,Overlap test,31.3462,34.3063,1\n");
        var refused = await Executable.RunAsync("import", "incidents", csv, "--agreement", "no-such-plan", "--db", app.Database.ConnectionString);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("--agreement: no agreement has the code 'no-such-plan'", refused.All);
        var run = await Executable.RunAsync("import", "incidents", csv, "--agreement", other, "--db", app.Database.ConnectionString);
        Assert.True(run.ExitCode == 0, run.All);
        var beforeCsv = Path.Combine(Path.GetTempPath(), $"overlap-{Guid.NewGuid():N}.csv");
        await File.WriteAllTextAsync(beforeCsv, "event_id_cnty,event_date,event_type,latitude,longitude,geo_precision\n" + $"OVL{Guid.NewGuid():N},2025-01-01,Overlap test,31.3462,34.3063,1\n");
        var tooEarly = await Executable.RunAsync("import", "incidents", beforeCsv, "--agreement", other, "--db", app.Database.ConnectionString);
        Assert.NotEqual(0, tooEarly.ExitCode);
        Assert.Contains("line 2, event_date: --agreement's agreement is in force from 2025-", tooEarly.All);

        using var coordinator = app.Client(Role.Coordinator);
        Assert.Equal(HttpStatusCode.OK, (await coordinator.PostAsync("/api/v1/incidents/grouping", null)).StatusCode);
        await using (var ctx = app.OpenDb())
        {
            var codes = ctx.Agreements.ToDictionary(a => a.Id, a => a.Code);
            Assert.Equal(other, codes[view.AgreementId!.Value]);
            Assert.Equal(0, ctx.Reports.Count(r => r.OccurredOn == new DateOnly(2025, 1, 1)));
            Assert.Equal(5, ctx.Reports.Count(r => r.EventType == "Overlap test"));
            // The same place, day and type, yet two events: one of each agreement, each with its own quorum.
            var incidents = ctx.Incidents.Where(i => i.EventType == "Overlap test").ToList().Select(i => (Code: codes[i.AgreementId!.Value], i.ReportCount, i.Id)).OrderBy(i => i.ReportCount).ToList();
            Assert.Equal([(gaza, 1), (other, 4)], incidents.Select(i => (i.Code, i.ReportCount)));
            var detail = (await coordinator.GetFromJsonAsync<IncidentDetail>($"/api/v1/incidents/{incidents[1].Id}", Infrastructure.Json.Options))!;
            Assert.Equal(3, detail.Quorum.Required);
            var battle = ctx.Incidents.Single(i => i.EventType == "Battles");
            Assert.Equal(other, codes[battle.AgreementId!.Value]);

            // An agreement the submitter may not read is as unknown as one that does not exist, on both endpoints.
            var hidden = ctx.Agreements.Single(a => a.Code == other);
            hidden.Classification = Classification.Confidential;
            hidden.OwnerOrganisationId = Guid.NewGuid();
            await ctx.SaveChangesAsync();
        }
        var notYours = await ProblemAssert.IsProblem(await monitor.PostAsync("/api/v1/reports", Json(Report(other))), HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith("no agreement you may read has the code", Assert.Single(notYours.FieldErrors("agreement")));
        var notYoursInBatch = await ProblemAssert.IsProblem(await monitor.PostAsync("/api/v1/reports/batch", Json($"{{\"reports\":[{Report(other)}]}}")), HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith("no agreement you may read has the code", Assert.Single(notYoursInBatch.FieldErrors("reports[0].agreement")));
        // A report stored before and sent again is the first one, though naming that agreement would be refused now;
        // in a batch, only the new report naming it is refused.
        var resent = await monitor.PostAsync("/api/v1/reports", Json(Report(other, view.ClientId)));
        Assert.Equal(HttpStatusCode.OK, resent.StatusCode);
        var resentView = (await resent.Content.ReadFromJsonAsync<ReportView>(Infrastructure.Json.Options))!;
        Assert.Equal((view.Id, null), (resentView.Id, resentView.AgreementId)); // the agreement it names is not shown to whom may not read it
        Assert.Null((await monitor.GetFromJsonAsync<ReportView>($"/api/v1/reports/{view.Id}", Infrastructure.Json.Options))!.AgreementId);
        var resentBatch = await monitor.PostAsync("/api/v1/reports/batch", Json($"{{\"reports\":[{Report(null)},{Report(other, view.ClientId)}]}}"));
        Assert.Equal(HttpStatusCode.OK, resentBatch.StatusCode);
        var receipts = (await resentBatch.Content.ReadFromJsonAsync<ReportBatchAnswer>(Infrastructure.Json.Options))!;
        Assert.Equal([(true, false)], [(receipts.Items[0].Created, receipts.Items[1].Created)]);
        Assert.Equal(view.Id, receipts.Items[1].Id);
        var mixed = await ProblemAssert.IsProblem(await monitor.PostAsync("/api/v1/reports/batch", Json($"{{\"reports\":[{Report(other, view.ClientId)},{Report(other)}]}}")),
            HttpStatusCode.UnprocessableEntity);
        Assert.Equal((0, 1), (mixed.FieldErrors("reports[0].agreement").Length, mixed.FieldErrors("reports[1].agreement").Length));
        await using (var ctx = app.OpenDb())
        {
            Assert.Equal(6, ctx.Reports.Count(r => r.EventType == "Overlap test"));
        }
    }
}
