using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Geo;
using Truceline.Web.Access;
using Truceline.Web.Incidents;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Incidents;

/// <summary>The review's cases: each a way a report, an incident or a source could reach the wrong reader, or bad input be stored.</summary>
public sealed class SafeguardTests(Apps apps)
{
    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static string Report(string type, string clientId, double lat = 31.3462, double lon = 34.3063, string classification = "restricted") =>
        $$"""{"clientId":"{{clientId}}","sourceType":"monitorPatrol","occurredOn":"2026-11-18","latitude":{{lat.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"longitude":{{lon.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"eventType":"{{type}}","description":"confidential detail (simulated)","allegedParties":["israel"],"classification":"{{classification}}"}""";

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AnotherAccountReusingAClientIdIsRefusedAndLearnsNothing(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        var id = $"patrol-{Guid.NewGuid():N}";
        using var monitor = app.Client(Role.Monitor);
        Assert.Equal(HttpStatusCode.Created, (await monitor.PostAsync("/api/v1/reports", Body(Report("Shelling", id)))).StatusCode);
        using var liaison = app.Client(Role.PartyLiaison);
        var response = await liaison.PostAsync("/api/v1/reports", Body(Report("Shelling", id)));
        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.Conflict);
        Assert.Contains("already used by another account", problem.Detail());
        Assert.DoesNotContain("confidential detail", problem.ToString());
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AReportsStoredPlaceNamesOnlyPublicZones(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        var code = $"secret-{Guid.NewGuid():N}"[..20];
        await using (var ctx = app.OpenDb())
        {
            var square = GeoJson.Read("{\"type\":\"Feature\",\"id\":\"" + code + "\",\"properties\":{},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[34.3460,31.3860],[34.3500,31.3860],[34.3500,31.3900],[34.3460,31.3900],[34.3460,31.3860]]]}}").Value!;
            Assert.True((await ImportZones.RunAsync(ctx, square, new ImportZones.Options(ZoneKind.Area, "test", Classification: Classification.Restricted), app.Clock)).Succeeded);
        }
        using var coordinator = app.Client(Role.Coordinator);
        var place = (await coordinator.GetFromJsonAsync<PlaceClassification>("/api/v1/places?lat=31.3880&lon=34.3480", Json.Options))!;
        Assert.Contains(place.Zones, z => z.Code == code); // the coordinator may see the restricted zone itself…
        var created = await coordinator.PostAsync("/api/v1/reports", Body(Report("Shelling", $"c-{Guid.NewGuid():N}", 31.3880, 34.3480, "public")));
        var report = (await created.Content.ReadFromJsonAsync<ReportView>(Json.Options))!;
        Assert.DoesNotContain(report.Place!.Zones, z => z.Code == code); // …but a public report does not carry it to its readers
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ReportsWithDifferentReadersOrAfterReviewStartAreNotGroupedTogether(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        var type = $"Audience {Guid.NewGuid():N}";
        using var monitor = app.Client(Role.Monitor);
        using var verifier = app.Client(Role.Verifier);
        using var coordinator = app.Client(Role.Coordinator);
        await monitor.PostAsync("/api/v1/reports", Body(Report(type, $"a-{Guid.NewGuid():N}", classification: "confidential")));
        await verifier.PostAsync("/api/v1/reports", Body(Report(type, $"b-{Guid.NewGuid():N}", classification: "restricted")));
        await coordinator.PostAsync("/api/v1/incidents/grouping", null);
        await using (var ctx = app.OpenDb())
        {
            Assert.Equal(2, await ctx.Incidents.CountAsync(i => i.EventType == type));
        }
        // The restricted incident goes under review; a later report of the same event starts a new incident.
        var restricted = (await coordinator.GetFromJsonAsync<IncidentPage>($"/api/v1/incidents?eventType={Uri.EscapeDataString(type)}", Json.Options))!.Items.Single(i => i.Classification == "restricted");
        await coordinator.PostAsync($"/api/v1/incidents/{restricted.Id}/transitions", Body("{\"state\":\"underReview\",\"reason\":\"x\"}"));
        await verifier.PostAsync("/api/v1/reports", Body(Report(type, $"c-{Guid.NewGuid():N}")));
        await coordinator.PostAsync("/api/v1/incidents/grouping", null);
        var again = (await coordinator.GetFromJsonAsync<IncidentDetail>($"/api/v1/incidents/{restricted.Id}", Json.Options))!;
        Assert.Equal(1, again.Incident.ReportCount);
        await using (var ctx = app.OpenDb())
        {
            Assert.Equal(3, await ctx.Incidents.CountAsync(i => i.EventType == type));
        }
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task APartysOwnStaffCannotSignFindings(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        var type = $"Party verifier {Guid.NewGuid():N}";
        using var monitor = app.Client(Role.Monitor);
        await monitor.PostAsync("/api/v1/reports", Body(Report(type, $"p-{Guid.NewGuid():N}")));
        using var coordinator = app.Client(Role.Coordinator);
        await coordinator.PostAsync("/api/v1/incidents/grouping", null);
        var id = (await coordinator.GetFromJsonAsync<IncidentPage>($"/api/v1/incidents?eventType={Uri.EscapeDataString(type)}", Json.Options))!.Items.Single().Id;
        await coordinator.PostAsync($"/api/v1/incidents/{id}/transitions", Body("{\"state\":\"underReview\",\"reason\":\"x\"}"));
        var email = $"party-verifier-{Guid.NewGuid():N}@test.example";
        using var partyVerifier = app.Client();
        await using (var ctx = app.OpenDb())
        {
            Assert.True((await Accounts.AddUserAsync(ctx, new Accounts.NewUser(email, null, "verifier", $"Liaison office {email}", TestApp.Password, true, "israel"), app.Clock)).Succeeded);
            partyVerifier.DefaultRequestHeaders.Authorization = new("Bearer", (await Accounts.CreateTokenAsync(ctx, email, "t", null, app.Clock)).Value!.Token);
        }
        var refused = await ProblemAssert.IsProblem(await partyVerifier.PostAsync($"/api/v1/incidents/{id}/findings",
            Body("{\"conclusion\":\"notVerified\",\"violation\":\"nothing happened\",\"responsibleParty\":\"undetermined\"}")), HttpStatusCode.Forbidden);
        Assert.Contains("a party's staff do not sign findings", refused.Detail());
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task RawBytesInAnSmsFormAreDecodedStrictlyAndBadFormsAreRefused(string db)
    {
        var app = await apps.Get(db);
        using var gateway = new HttpClient { BaseAddress = app.Address };
        gateway.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", app.Token(Role.Monitor));
        var id = $"raw-{Guid.NewGuid():N}";
        // Unencoded UTF-8 Arabic in the body: kept as sent, not turned into '?'.
        var raw = new ByteArrayContent([.. Encoding.ASCII.GetBytes($"from=%2B970599&message_id={id}&body="), .. Encoding.UTF8.GetBytes("قصف")]);
        raw.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsync("/api/v1/sms/inbound", raw)).StatusCode);
        await using (var ctx = app.OpenDb())
        {
            Assert.Equal("قصف", (await ctx.Reports.SingleAsync(r => r.ClientId == id)).RawText);
        }
        var invalid = new ByteArrayContent([.. Encoding.ASCII.GetBytes($"from=%2B970599&message_id={id}-x&body="), 0xFF, 0xFE]);
        invalid.Headers.ContentType = new MediaTypeHeaderValue("application/x-www-form-urlencoded");
        Assert.Contains("broken encoding", (await ProblemAssert.IsProblem(await gateway.PostAsync("/api/v1/sms/inbound", invalid), HttpStatusCode.UnprocessableEntity)).Detail());
        var truncated = new StringContent("--b\r\nContent-Disposition: form-data; name=\"body\"\r\n\r\nhalf", Encoding.UTF8);
        truncated.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        Assert.StartsWith("The multipart form could not be read", (await ProblemAssert.IsProblem(await gateway.PostAsync("/api/v1/sms/inbound", truncated), HttpStatusCode.BadRequest)).Detail());
        await using (var ctx = app.OpenDb())
        {
            Assert.False(await ctx.Reports.AnyAsync(r => r.ClientId == id + "-x"));
        }
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task TheIncidentPageShowsItsEvidenceWithTheRecordedHash(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        var type = $"Evidence {Guid.NewGuid():N}";
        using var monitor = app.Client(Role.Monitor);
        var created = await monitor.PostAsync("/api/v1/reports", Body(Report(type, $"e-{Guid.NewGuid():N}")));
        var reportId = (await created.Content.ReadFromJsonAsync<ReportView>(Json.Options))!.Id;
        byte[] photo = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 0xFF, 0xD9];
        Guid evidenceId;
        await using (var ctx = app.OpenDb())
        {
            var evidence = Truceline.Incidents.Evidence.ForReport(await ctx.Reports.SingleAsync(r => r.Id == reportId), "crater.jpg", "image/jpeg", photo, null, app.Clock.GetUtcNow().UtcDateTime);
            ctx.Evidence.Add(evidence);
            await ctx.SaveChangesAsync();
            evidenceId = evidence.Id;
        }
        using var coordinator = app.Client(Role.Coordinator);
        await coordinator.PostAsync("/api/v1/incidents/grouping", null);
        var incident = (await coordinator.GetFromJsonAsync<IncidentPage>($"/api/v1/incidents?eventType={Uri.EscapeDataString(type)}", Json.Options))!.Items.Single().Id;
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(photo));

        foreach (var (role, sees) in new[] { (Role.Verifier, true), (Role.Donor, false) })
        {
            using var browserless = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = app.Address };
            await FormSignIn.PostAsync(browserless, TestApp.Email(role), TestApp.Password);
            var page = await browserless.GetAsync($"/incidents/{incident}");
            Assert.Equal(sees ? HttpStatusCode.OK : HttpStatusCode.NotFound, page.StatusCode);
            var file = await browserless.GetAsync($"/evidence/{evidenceId}");
            Assert.Equal(sees ? HttpStatusCode.OK : HttpStatusCode.NotFound, file.StatusCode);
            if (sees)
            {
                var html = await page.Content.ReadAsStringAsync();
                Assert.Contains(sha, html);
                Assert.Contains("crater.jpg", html);
                Assert.Equal(photo, await file.Content.ReadAsByteArrayAsync());
                Assert.Equal($"sha-256={Convert.ToBase64String(Convert.FromHexString(sha))}", file.Headers.GetValues("Digest").Single());
            }
        }
    }
}
