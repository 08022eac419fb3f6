using System.Net;
using System.Net.Http.Json;
using System.Text;
using Truceline.Access;
using Truceline.Web.Incidents;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Incidents;

/// <summary>Merging and splitting incidents from the incident page, as the coordination centre does without the API.</summary>
public sealed class RegroupPagesTests(Apps apps)
{
    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static Task<HttpClient> SignedInAsync(TestApp app, Role role) => FormSignIn.ClientAsync(app, role);

    private static Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, string handler, IEnumerable<KeyValuePair<string, string>> fields) =>
        FormSignIn.PostFormAsync(client, page, handler, fields);

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task TheCoordinationCentreMergesAndSplitsIncidentsFromThePageAndOthersAreRefused(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        using var monitor = app.Client(Role.Monitor);
        foreach (var (type, lat, lon) in new[] { ($"Shelling {tag}", 31.3462, 34.3063), ($"Gunfire {tag}", 31.5010, 34.4600) })
        {
            var report = $$"""{"sourceType":"monitorPatrol","occurredOn":"2026-11-18","latitude":{{lat.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"longitude":{{lon.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"eventType":"{{type}}","description":"{{type}} seen by a patrol (simulated)"}""";
            Assert.Equal(HttpStatusCode.Created, (await monitor.PostAsync("/api/v1/reports", Body(report))).StatusCode);
        }
        using var api = app.Client(Role.Coordinator);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync("/api/v1/incidents/grouping", null)).StatusCode);
        async Task<Guid> IncidentOfAsync(string type) =>
            Assert.Single((await api.GetFromJsonAsync<IncidentPage>($"/api/v1/incidents?eventType={Uri.EscapeDataString(type)}", Json.Options))!.Items).Id;
        var shelling = await IncidentOfAsync($"Shelling {tag}");
        var gunfire = await IncidentOfAsync($"Gunfire {tag}");

        // A monitor sees neither form, and a hand-made post is refused.
        using var monitorPage = await SignedInAsync(app, Role.Monitor);
        Assert.DoesNotContain("data-testid=\"merge-form\"", await monitorPage.GetStringAsync($"/incidents/{gunfire}"));
        var refused = await PostFormAsync(monitorPage, $"/incidents/{gunfire}", "Merge", [new("into", shelling.ToString()), new("reason", "same event")]);
        Assert.Equal("/account/denied", refused.Headers.Location!.AbsolutePath);

        using var coordinator = await SignedInAsync(app, Role.Coordinator);
        var bad = await PostFormAsync(coordinator, $"/incidents/{gunfire}", "Merge", [new("into", "not an id"), new("reason", "same event")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        Assert.Contains("into: give the id of the incident to merge into", await bad.Content.ReadAsStringAsync());

        var merged = await PostFormAsync(coordinator, $"/incidents/{gunfire}", "Merge", [new("into", shelling.ToString()), new("reason", "one event seen twice")]);
        Assert.Equal(HttpStatusCode.Redirect, merged.StatusCode);
        Assert.Equal($"/incidents/{shelling}", merged.Headers.Location!.OriginalString);
        Assert.Contains("The incidents are merged", await coordinator.GetStringAsync($"/incidents/{shelling}"));
        var target = (await api.GetFromJsonAsync<IncidentDetail>($"/api/v1/incidents/{shelling}", Json.Options))!;
        Assert.Equal(2, target.Reports.Count);
        Assert.Equal("dismissed", (await api.GetFromJsonAsync<IncidentDetail>($"/api/v1/incidents/{gunfire}", Json.Options))!.Incident.State);

        // Split the gunfire report back out: it becomes an incident of its own.
        var gunfireReport = target.Reports.Single(r => r.Description!.StartsWith("Gunfire", StringComparison.Ordinal)).Id;
        var split = await PostFormAsync(coordinator, $"/incidents/{shelling}", "Split", [new("reports", gunfireReport.ToString()), new("reason", "two events after all")]);
        Assert.Equal(HttpStatusCode.Redirect, split.StatusCode);
        var created = Guid.Parse(split.Headers.Location!.OriginalString["/incidents/".Length..]);
        Assert.NotEqual(shelling, created);
        var separate = (await api.GetFromJsonAsync<IncidentDetail>($"/api/v1/incidents/{created}", Json.Options))!;
        Assert.Equal([gunfireReport], separate.Reports.Select(r => r.Id));
        Assert.Single((await api.GetFromJsonAsync<IncidentDetail>($"/api/v1/incidents/{shelling}", Json.Options))!.Reports);
        // Every move is in the audit trail, with the reason.
        Assert.Contains("two events after all", await coordinator.GetStringAsync($"/incidents/{created}"));
    }
}
