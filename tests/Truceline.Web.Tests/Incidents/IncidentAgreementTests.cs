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
}
