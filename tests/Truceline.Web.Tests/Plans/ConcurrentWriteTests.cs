using System.Net;
using System.Net.Http.Json;
using System.Text;
using Truceline.Access;
using Truceline.Audit;
using Truceline.Web.Plans;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Plans;

/// <summary>Writers racing each other: each decision is taken on the state it commits on.</summary>
public sealed class ConcurrentWriteTests(Apps apps)
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ConcurrentStatusChangesLeaveOneConsistentHistory(string db)
    {
        var app = await apps.Get(db);
        var plan = await app.ImportGazaPlanAsync();
        var id = await app.ProvisionIdAsync(plan, "P2-INFRA");
        using var client = app.Client(Role.Coordinator);

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            client.PostAsync($"/api/v1/provisions/{id}/status", Json($"{{\"status\":{1 + (i % 3)},\"evidence\":\"report {i} (simulated)\"}}"))));
        Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, a.StatusCode.ToString()));

        var detail = (await client.GetFromJsonAsync<ProvisionDetail>($"/api/v1/provisions/{id}", Infrastructure.Json.Options))!;
        Assert.Equal(answers.Count(a => a.StatusCode == HttpStatusCode.OK), detail.History.Count);
        var previous = 0;
        foreach (var h in detail.History)
        {
            Assert.Equal(previous, h.From); // every change starts where the one before it ended
            Assert.NotEqual(h.From, h.To);
            previous = h.To;
        }
        Assert.Equal(previous, detail.Status);
        using var admin = app.Client(Role.Administrator);
        var verdict = (await admin.GetFromJsonAsync<AuditChain.Verdict>("/api/v1/audit/verify", Infrastructure.Json.Options))!;
        Assert.True(verdict.Intact, verdict.Message);
        // And the plan still round-trips: its history is a valid plan file.
        var exported = await admin.GetStringAsync($"/api/v1/plans/{plan}/export");
        var copy = await admin.PostAsync("/api/v1/plans", Json(exported.Replace($"\"code\": \"{plan}\"", $"\"code\": \"{plan}-c\"", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Created, copy.StatusCode);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task OppositeDependenciesAddedAtOnceNeverFormACycle(string db)
    {
        var app = await apps.Get(db);
        var plan = await app.ImportGazaPlanAsync();
        var pairs = new[] { ("P2-TRADE", "P2-ENERGY"), ("P2-WATER", "P2-INFRA"), ("P2-GRIEVANCES", "P2-VERIFICATION"), ("P2-AID-EQUITY", "P2-AID-SEQUENCING") };
        using var client = app.Client(Role.Coordinator);
        foreach (var (a, b) in pairs)
        {
            var idA = await app.ProvisionIdAsync(plan, a);
            var idB = await app.ProvisionIdAsync(plan, b);
            var answers = await Task.WhenAll(
                client.PostAsync($"/api/v1/provisions/{idA}/dependencies", Json($"{{\"prerequisite\":\"{b}\"}}")),
                client.PostAsync($"/api/v1/provisions/{idB}/dependencies", Json($"{{\"prerequisite\":\"{a}\"}}")));
            Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Conflict], answers.Select(r => r.StatusCode).Order());
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/api/v1/plans/{plan}/sequencing")).StatusCode);
    }
}
