using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Plans.Files;
using Truceline.Web.Access;
using Truceline.Web.Plans;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Access;

public sealed class AccessMatrixTests(Apps apps)
{
    public sealed record Call(string Method, string Path, Permission Permission, string? Body = null);

    /// <summary>Every endpoint of the API and the permission it needs. {p} is a provision, {m} a metric, {o} an observation, {plan} a plan.</summary>
    public static readonly Call[] Endpoints =
    [
        new("GET", "/api/v1/me", Permission.ReadPlans),
        new("GET", "/api/v1/plans", Permission.ReadPlans),
        new("GET", "/api/v1/plans/{plan}", Permission.ReadPlans),
        new("GET", "/api/v1/plans/{plan}/export", Permission.ReadPlans),
        new("GET", "/api/v1/plans/{plan}/sequencing", Permission.ReadPlans),
        new("GET", "/api/v1/plans/{plan}/sequencing/slip?provision=P2-ISF-DEPLOY&to=2027-05-01", Permission.ReadPlans),
        new("GET", "/api/v1/provisions/{p}", Permission.ReadPlans),
        new("GET", "/api/v1/provisions/{p}/audit", Permission.ReadAudit),
        new("GET", "/api/v1/plans/{plan}/audit", Permission.ReadAudit),
        new("POST", "/api/v1/plans", Permission.EditPlans, "{}"),
        new("POST", "/api/v1/provisions/{p}/status", Permission.EditPlans, "{}"),
        new("POST", "/api/v1/provisions/{p}/deadline", Permission.EditPlans, "{}"),
        new("POST", "/api/v1/provisions/{p}/dependencies", Permission.EditPlans, "{}"),
        new("POST", "/api/v1/metrics/{m}/observations", Permission.RecordObservations, "{}"),
        new("PUT", "/api/v1/observations/{o}/verification", Permission.VerifyObservations, "{}"),
        new("GET", "/api/v1/users", Permission.Administer),
        new("POST", "/api/v1/users", Permission.Administer, "{}"),
        new("POST", "/api/v1/tokens", Permission.Administer, "{}"),
        new("DELETE", $"/api/v1/tokens/{Guid.Empty}", Permission.Administer),
        new("GET", "/api/v1/audit/verify", Permission.Administer),
        new("GET", "/api/v1/zones", Permission.ReadPlans),
        new("GET", "/api/v1/places?lat=31.35&lon=34.31", Permission.ReadPlans),
        new("GET", "/api/v1/reports", Permission.ReadPlans),
        new("GET", "/api/v1/reports/{r}", Permission.ReadPlans),
        new("POST", "/api/v1/reports", Permission.SubmitReports, "{}"),
        new("PUT", "/api/v1/reports/{r}/structure", Permission.StructureReports, "{}"),
        new("POST", "/api/v1/sms/inbound", Permission.SubmitReports, "form"),
        new("POST", "/api/v1/incidents/grouping", Permission.StructureReports),
        new("GET", "/api/v1/incidents", Permission.ReadPlans),
        new("GET", "/api/v1/incidents/{i}", Permission.ReadPlans),
        new("POST", "/api/v1/incidents/{i}/transitions", Permission.ReviewIncidents, "{}"),
        new("POST", "/api/v1/incidents/{i}/findings", Permission.SignFindings, "{}"),
        new("POST", "/api/v1/incidents/{i}/merge", Permission.StructureReports, "{}"),
        new("POST", "/api/v1/incidents/{i}/split", Permission.StructureReports, "{}"),
        new("POST", "/api/v1/incidents/{i}/replies", Permission.ReplyToAllegations, "{}"),
        new("GET", "/api/v1/reports/{r}/evidence", Permission.ReadPlans),
        new("GET", "/api/v1/evidence/{e}", Permission.ReadPlans),
        new("GET", "/api/v1/openrosa/formList", Permission.SubmitReports),
        new("GET", "/api/v1/openrosa/forms/truceline-incident.xml", Permission.SubmitReports),
        new("HEAD", "/api/v1/openrosa/submission", Permission.SubmitReports),
        new("POST", "/api/v1/openrosa/submission", Permission.SubmitReports, "{}"),
        new("POST", "/api/v1/log/checkpoints", Permission.Administer),
    ];

    private sealed record Ids(string Plan, Guid Provision, Guid Metric, Guid Observation, Guid Report, Guid Incident, Guid Evidence);

    private static async Task<Ids> ArrangeAsync(TestApp app)
    {
        var plan = await app.ImportGazaPlanAsync();
        await app.EnsureGovernoratesAsync();
        var provision = await app.ProvisionIdAsync(plan, "P1-AID");
        using var client = app.Client(Role.Administrator);
        var metric = (await client.GetFromJsonAsync<ProvisionDetail>($"/api/v1/provisions/{provision}", Json.Options))!.Metrics[0];
        // A public report, so that every role may read it.
        var report = await client.PostAsync("/api/v1/reports", new StringContent(
            "{\"sourceType\":\"media\",\"occurredOn\":\"2026-11-01\",\"latitude\":31.35,\"longitude\":34.31,\"eventType\":\"Battles\",\"classification\":\"public\"}",
            Encoding.UTF8, "application/json"));
        var reportId = (await report.Content.ReadFromJsonAsync<Truceline.Web.Incidents.ReportView>(Json.Options))!.Id;
        await client.PostAsync("/api/v1/incidents/grouping", null);
        await using var db = app.OpenDb();
        var incidentId = (await db.Reports.SingleAsync(r => r.Id == reportId)).IncidentId!.Value;
        var evidence = Truceline.Incidents.Evidence.ForReport(await db.Reports.SingleAsync(r => r.Id == reportId), "photo.jpg", "image/jpeg", [0xFF, 0xD8, 0xFF, 0xD9], null, app.Clock.GetUtcNow().UtcDateTime);
        db.Evidence.Add(evidence);
        await db.SaveChangesAsync();
        return new Ids(plan, provision, metric.Id, metric.Observations[0].Id, reportId, incidentId, evidence.Id);
    }

    private static HttpRequestMessage Request(Call call, Ids ids)
    {
        var path = call.Path.Replace("{plan}", ids.Plan, StringComparison.Ordinal).Replace("{p}", ids.Provision.ToString(), StringComparison.Ordinal)
            .Replace("{m}", ids.Metric.ToString(), StringComparison.Ordinal).Replace("{o}", ids.Observation.ToString(), StringComparison.Ordinal)
            .Replace("{r}", ids.Report.ToString(), StringComparison.Ordinal).Replace("{i}", ids.Incident.ToString(), StringComparison.Ordinal)
            .Replace("{e}", ids.Evidence.ToString(), StringComparison.Ordinal);
        var request = new HttpRequestMessage(new HttpMethod(call.Method), path);
        if (call.Body == "form")
        {
            request.Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["to"] = "nobody" });
        }
        else if (call.Body is not null)
        {
            request.Content = new StringContent(call.Body, Encoding.UTF8, "application/json");
        }
        return request;
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task EveryEndpointAnswersEachRoleAsThePermissionTableSays(string db)
    {
        var app = await apps.Get(db);
        var ids = await ArrangeAsync(app);
        var failures = new List<string>();
        foreach (var role in Enum.GetValues<Role>())
        {
            using var client = app.Client(role);
            var allowedRoles = Permissions.RolesFor(Permission.ReadPlans);
            foreach (var call in Endpoints)
            {
                using var response = await client.SendAsync(Request(call, ids));
                var allowed = Permissions.RolesFor(call.Permission).Contains(role);
                var body = await response.Content.ReadAsStringAsync();
                if (allowed && (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized || (int)response.StatusCode >= 500))
                {
                    failures.Add($"{role} {call.Method} {call.Path}: {(int)response.StatusCode} but the role has {call.Permission}: {body}");
                }
                // A HEAD answer has no body to explain itself: its status must do.
                if (!allowed && (response.StatusCode != HttpStatusCode.Forbidden || (call.Method != "HEAD" && !body.Contains("may not do this", StringComparison.Ordinal))))
                {
                    failures.Add($"{role} {call.Method} {call.Path}: expected a 403 problem, got {(int)response.StatusCode} {body}");
                }
            }
        }
        Assert.Empty(failures);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task WithoutAValidTokenEveryEndpointAnswers401(string db)
    {
        var app = await apps.Get(db);
        var ids = await ArrangeAsync(app);
        using var anonymous = app.Client();
        foreach (var call in Endpoints)
        {
            var response = await anonymous.SendAsync(Request(call, ids));
            if (call.Method == "HEAD")
            {
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                continue;
            }
            var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.Unauthorized);
            Assert.Contains("bearer token", problem.Detail());
        }
        using var forged = app.Client();
        forged.DefaultRequestHeaders.Authorization = new("Bearer", "tl_forged");
        var unknown = await ProblemAssert.IsProblem(await forged.GetAsync("/api/v1/plans"), HttpStatusCode.Unauthorized);
        Assert.Equal("The bearer token is not known.", unknown.Detail());
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ARevokedTokenStopsWorkingAtOnce(string db)
    {
        var app = await apps.Get(db);
        using var admin = app.Client(Role.Administrator);
        var created = await admin.PostAsync("/api/v1/tokens", new StringContent($"{{\"email\":\"{TestApp.Email(Role.Analyst)}\",\"name\":\"temp\"}}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = (await created.Content.ReadFromJsonAsync<AccessApi.TokenView>(Json.Options))!;
        using var user = app.Client();
        user.DefaultRequestHeaders.Authorization = new("Bearer", token.Token);
        Assert.Equal(TestApp.Email(Role.Analyst), (await user.GetFromJsonAsync<AccessApi.Me>("/api/v1/me", Json.Options))!.Email);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/tokens/{token.Id}")).StatusCode);
        var problem = await ProblemAssert.IsProblem(await user.GetAsync("/api/v1/me"), HttpStatusCode.Unauthorized);
        Assert.Equal("The bearer token was revoked.", problem.Detail());
        await using var db2 = app.OpenDb();
        Assert.DoesNotContain(token.Token, (await db2.ApiTokens.Select(t => t.TokenHash).ToListAsync()));
    }

    /// <summary>A token, a user or an organisation changed where this server cannot see it (another node, the command line
    /// in another process, SQL by hand) takes effect within a second: the server keeps what it read for a token only
    /// while the database's count of such changes stands still.</summary>
    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ATokenRevokedOrAUserDisabledElsewhereStopsWorkingWithinASecond(string db)
    {
        var app = await apps.Get(db);
        using var admin = app.Client(Role.Administrator);
        var email = $"elsewhere-{Guid.NewGuid():N}@test.example";
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/v1/users", new StringContent(
            $$"""{"email":"{{email}}","displayName":"Elsewhere","role":"analyst","organisation":"Participating test organisation","password":"{{TestApp.Password}}"}""",
            Encoding.UTF8, "application/json"))).StatusCode);
        async Task<string> NewToken()
        {
            var created = await admin.PostAsync("/api/v1/tokens", new StringContent($$"""{"email":"{{email}}","name":"elsewhere"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            return (await created.Content.ReadFromJsonAsync<AccessApi.TokenView>(Json.Options))!.Token;
        }
        async Task<HttpClient> SignedIn(string token)
        {
            var client = app.Client();
            client.DefaultRequestHeaders.Authorization = new("Bearer", token);
            // Twice: the second answered from what the server kept of the first.
            for (var i = 0; i < 2; i++)
            {
                Assert.Equal(email, (await client.GetFromJsonAsync<AccessApi.Me>("/api/v1/me", Json.Options))!.Email);
            }
            return client;
        }
        async Task<string> RefusedWithin(HttpClient client, TimeSpan limit)
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (true)
            {
                using var response = await client.GetAsync("/api/v1/me");
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    return (await ProblemAssert.IsProblem(response, HttpStatusCode.Unauthorized)).Detail()!;
                }
                Assert.True(waited.Elapsed < limit, $"still signed in {waited.Elapsed.TotalSeconds:0.0} s after the change");
                await Task.Delay(50);
            }
        }
        // As another node or process would: in the database, not through this server's contexts.
        var first = await NewToken();
        using (var client = await SignedIn(first))
        {
            await using (var other = app.OpenDb())
            {
                Assert.Equal(1, await other.Database.ExecuteSqlInterpolatedAsync($"UPDATE api_tokens SET revoked_at = {DateTime.UtcNow} WHERE token_hash = {BearerTokenHandler.Hash(first)}"));
            }
            Assert.Equal("The bearer token was revoked.", await RefusedWithin(client, TimeSpan.FromSeconds(5)));
        }
        using (var client = await SignedIn(await NewToken()))
        {
            await using (var other = app.OpenDb())
            {
                Assert.Equal(1, await other.Database.ExecuteSqlInterpolatedAsync($"UPDATE users SET disabled = {true} WHERE email = {email}"));
            }
            Assert.Equal("The user is disabled.", await RefusedWithin(client, TimeSpan.FromSeconds(5)));
        }
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ARoleCannotReadWhatItsClassificationHides(string db)
    {
        var app = await apps.Get(db);
        // P2-DISARM confidential to verifiers; P2-GOVERNANCE confidential to the donor's organisation by name.
        var plan = "gaza-" + Guid.NewGuid().ToString("N")[..10];
        var doc = JsonNode.Parse(await File.ReadAllTextAsync(TestFiles.GazaPlan))!;
        doc["agreement"]!["code"] = plan;
        foreach (var p in doc["agreement"]!["phases"]![1]!["provisions"]!.AsArray())
        {
            var readers = (string?)p!["code"] switch
            {
                "P2-DISARM" => "role:verifier",
                "P2-GOVERNANCE" => "org:Outside organisation (donor)",
                _ => null,
            };
            if (readers is not null)
            {
                p["classification"] = "confidential";
                p["confidentialTo"] = new JsonArray(readers);
            }
        }
        await using (var console = app.OpenDb())
        {
            var parsed = ImportPlan.Parse(doc.ToJsonString());
            Assert.True(parsed.Succeeded, parsed.Failure?.Detail);
            Assert.True((await ImportPlan.RunAsync(console, parsed.Value!, mayVerify: true, app.Clock)).Succeeded);
        }
        var isf = await app.ProvisionIdAsync(plan, "P2-ISF-DEPLOY");

        foreach (var role in Enum.GetValues<Role>())
        {
            using var client = app.Client(role);
            var detail = (await client.GetFromJsonAsync<ProvisionDetail>($"/api/v1/provisions/{isf}", Json.Options))!;
            // The ISF personnel metric is restricted: participating organisations only.
            Assert.Equal(TestApp.Participates(role), detail.Metrics.Any(m => m.Code == "ISF-PERSONNEL"));
            var overview = (await client.GetFromJsonAsync<PlanOverview>($"/api/v1/plans/{plan}", Json.Options))!;
            var export = await client.GetStringAsync($"/api/v1/plans/{plan}/export");
            var readsDisarm = role is Role.Verifier or Role.Administrator;
            var readsGovernance = role is Role.Donor or Role.Administrator;
            Assert.Equal(readsDisarm, overview.Provisions.Any(p => p.Code == "P2-DISARM"));
            Assert.Equal(readsGovernance, overview.Provisions.Any(p => p.Code == "P2-GOVERNANCE"));
            Assert.Equal(TestApp.Participates(role), export.Contains("ISF-PERSONNEL", StringComparison.Ordinal));
            Assert.Equal(readsDisarm, export.Contains("\"P2-DISARM\"", StringComparison.Ordinal));
            var disarm = await client.GetAsync($"/api/v1/provisions/{(await app.ProvisionIdAsync(plan, "P2-DISARM"))}");
            Assert.Equal(readsDisarm ? HttpStatusCode.OK : HttpStatusCode.NotFound, disarm.StatusCode);
        }

        // The named readers round-trip through an export.
        using var admin = app.Client(Role.Administrator);
        var exported = await admin.GetStringAsync($"/api/v1/plans/{plan}/export");
        Assert.Contains("\"confidentialTo\": [\n              \"org:Outside organisation (donor)\"\n            ]", exported);

        var unknownReader = JsonNode.Parse(doc.ToJsonString())!;
        unknownReader["agreement"]!["code"] = plan + "-x";
        unknownReader["agreement"]!["confidentialTo"] = new JsonArray("org:Nobody");
        var problem = await ProblemAssert.IsProblem(
            await admin.PostAsync("/api/v1/plans", new StringContent(unknownReader.ToJsonString(), Encoding.UTF8, "application/json")), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("'org:Nobody' must be role:ROLE or org:NAME", problem.FieldErrors("agreement.confidentialTo[0]")[0]);

        // The public (no organisation) never matches an owner-less confidential record, in SQL as in memory.
        await using var anonymous = app.Database.CreateContext(app.Clock);
        anonymous.Viewer = Viewer.Anonymous;
        var visibleToPublic = await anonymous.Provisions.Where(p => p.Code == "P2-DISARM" || p.Code == "P2-ISF-DEPLOY")
            .Join(anonymous.Agreements.Where(a => a.Code == plan), p => p.AgreementId, a => a.Id, (p, a) => p.Code).ToListAsync();
        Assert.Equal(["P2-ISF-DEPLOY"], visibleToPublic);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task TheAuditTrailShowsNoMoreThanTheRecordsItDescribes(string db)
    {
        var app = await apps.Get(db);
        var plan = await app.ImportGazaPlanAsync();
        var isf = await app.ProvisionIdAsync(plan, "P2-ISF-DEPLOY");
        foreach (var role in Permissions.RolesFor(Permission.ReadAudit))
        {
            using var client = app.Client(role);
            var trail = (await client.GetFromJsonAsync<List<AuditView>>($"/api/v1/provisions/{isf}/audit", Json.Options))!;
            Assert.Contains(trail, e => e.EntityType == "Provision");
            // The restricted ISF personnel metric and its observations: only participating organisations see them.
            Assert.Equal(TestApp.Participates(role), trail.Any(e => e.EntityType == "Metric" && e.Changes.Contains("ISF-PERSONNEL", StringComparison.Ordinal)));
            Assert.Equal(TestApp.Participates(role), trail.Any(e => e.EntityType == "Observation"));
        }
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ThePublicProvisionsOfARestrictedAgreementAreRestrictedToo(string db)
    {
        var app = await apps.Get(db);
        var code = "restricted-" + Guid.NewGuid().ToString("N")[..6];
        var doc = JsonNode.Parse(await File.ReadAllTextAsync(TestFiles.GazaPlan))!;
        doc["agreement"]!["code"] = code;
        doc["agreement"]!["classification"] = "restricted";
        using var admin = app.Client(Role.Administrator);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/v1/plans", new StringContent(doc.ToJsonString(), Encoding.UTF8, "application/json"))).StatusCode);
        var provision = await app.ProvisionIdAsync(code, "P1-AID");
        var metric = (await admin.GetFromJsonAsync<ProvisionDetail>($"/api/v1/provisions/{provision}", Json.Options))!.Metrics[0].Id;

        foreach (var role in Enum.GetValues<Role>())
        {
            using var client = app.Client(role);
            var expected = TestApp.Participates(role) ? HttpStatusCode.OK : HttpStatusCode.NotFound;
            Assert.Equal(expected, (await client.GetAsync($"/api/v1/plans/{code}")).StatusCode);
            Assert.Equal(expected, (await client.GetAsync($"/api/v1/provisions/{provision}")).StatusCode);
        }
        using var donor = app.Client(Role.Donor);
        await ProblemAssert.IsProblem(await donor.GetAsync($"/api/v1/provisions/{provision}"), HttpStatusCode.NotFound);
        Assert.DoesNotContain((await donor.GetFromJsonAsync<List<PlanSummary>>("/api/v1/plans", Json.Options))!, p => p.Code == code);
        await using var context = app.Database.CreateContext(app.Clock);
        context.Viewer = Viewer.ForUser(Guid.NewGuid(), "outsider", Role.Donor, Guid.NewGuid(), participates: false);
        Assert.False(await context.Metrics.AnyAsync(m => m.Id == metric));
        Assert.False(await context.Observations.AnyAsync(o => o.MetricId == metric));
    }
}
