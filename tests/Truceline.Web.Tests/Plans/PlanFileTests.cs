using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Truceline.Access;
using Truceline.Web.Plans;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Plans;

public sealed class PlanFileTests(Apps apps)
{
    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    // Other tests import plans at the same time, so "nothing was written" is checked on the plan concerned.
    private static async Task<int> ProvisionCountAsync(HttpClient client, string plan) =>
        (await client.GetFromJsonAsync<PlanOverview>($"/api/v1/plans/{plan}", Json.Options))!.Provisions.Count;

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ExportThenImportRoundTripsThePlanUnchanged(string db)
    {
        var app = await apps.Get(db);
        var plan = await app.ImportGazaPlanAsync();
        using var client = app.Client(Role.Administrator);
        var exported = await client.GetStringAsync($"/api/v1/plans/{plan}/export");

        // The shipped file is itself in the canonical form an export writes, byte for byte.
        var shipped = await File.ReadAllTextAsync(TestFiles.GazaPlan);
        Assert.Equal(shipped.Replace("\"code\": \"gaza-cp\"", $"\"code\": \"{plan}\"", StringComparison.Ordinal), exported);

        var copy = plan + "-copy";
        var reimport = await client.PostAsync("/api/v1/plans", Body(exported.Replace($"\"code\": \"{plan}\"", $"\"code\": \"{copy}\"", StringComparison.Ordinal)));
        Assert.Equal(HttpStatusCode.Created, reimport.StatusCode);
        var again = await client.GetStringAsync($"/api/v1/plans/{copy}/export");
        Assert.Equal(exported, again.Replace($"\"code\": \"{copy}\"", $"\"code\": \"{plan}\"", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ImportingAnExistingCodeIsAConflictAndWritesNothing(string db)
    {
        var app = await apps.Get(db);
        var plan = await app.ImportGazaPlanAsync();
        using var client = app.Client(Role.Administrator);
        var json = (await File.ReadAllTextAsync(TestFiles.GazaPlan)).Replace("\"code\": \"gaza-cp\"", $"\"code\": \"{plan}\"", StringComparison.Ordinal);
        var problem = await ProblemAssert.IsProblem(await client.PostAsync("/api/v1/plans", Body(json)), HttpStatusCode.Conflict);
        Assert.Contains($"'{plan}' already exists", problem.Detail());
        Assert.Equal(23, await ProvisionCountAsync(client, plan));
        Assert.Single((await client.GetFromJsonAsync<List<PlanSummary>>("/api/v1/plans", Json.Options))!, p => p.Code == plan);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task OnlyAVerifierOrAdministratorMayImportFiguresAlreadyMarkedVerified(string db)
    {
        var app = await apps.Get(db);
        using var coordinator = app.Client(Role.Coordinator);
        var code = "vouch-" + Guid.NewGuid().ToString("N")[..6];
        var json = (await File.ReadAllTextAsync(TestFiles.GazaPlan)).Replace("\"code\": \"gaza-cp\"", $"\"code\": \"{code}\"", StringComparison.Ordinal);
        var refused = await ProblemAssert.IsProblem(await coordinator.PostAsync("/api/v1/plans", Body(json)), HttpStatusCode.Forbidden);
        Assert.Contains("18 observations marked verified or disputed", refused.Detail());
        await ProblemAssert.IsProblem(await coordinator.GetAsync($"/api/v1/plans/{code}"), HttpStatusCode.NotFound);

        var unvouched = json.Replace("\"verification\": \"verified\"", "\"verification\": \"unverified\"", StringComparison.Ordinal)
            .Replace("\"verification\": \"disputed\"", "\"verification\": \"unverified\"", StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, (await coordinator.PostAsync("/api/v1/plans", Body(unvouched))).StatusCode);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AnInvalidPlanFileNamesEveryBadFieldByPathAndImportsNothing(string db)
    {
        var app = await apps.Get(db);
        using var client = app.Client(Role.Coordinator);
        var code = "bad-" + Guid.NewGuid().ToString("N")[..6];
        var doc = JsonNode.Parse(await File.ReadAllTextAsync(TestFiles.GazaPlan))!;
        doc["agreement"]!["code"] = code;
        var provision = doc["agreement"]!["phases"]![1]!["provisions"]![0]!;
        provision["status"] = 9;
        provision["source"]!["quote"] = "";
        provision["obliges"] = new JsonArray("atlantis");
        var dependsOn = doc["agreement"]!["phases"]![1]!["provisions"]!.AsArray().Single(p => (string?)p!["code"] == "P2-YELLOW-LINE")!["dependsOn"]!.AsArray();
        dependsOn.Add(new JsonObject { ["provision"] = "P2-ISF-DEPLOY" });

        var problem = await ProblemAssert.IsProblem(await client.PostAsync("/api/v1/plans", Body(doc.ToJsonString())), HttpStatusCode.UnprocessableEntity);
        var at = "agreement.phases[1].provisions[0]";
        Assert.Contains(problem.FieldErrors($"{at}.status"), m => m.StartsWith("must be 0", StringComparison.Ordinal));
        Assert.NotEmpty(problem.FieldErrors($"{at}.source.quote"));
        Assert.Contains("'atlantis' is not one of agreement.parties", problem.FieldErrors($"{at}.obliges[0]")[0]);
        Assert.Contains(problem.GetProperty("errors").EnumerateObject(), e => e.Name.EndsWith(".dependsOn[1].provision", StringComparison.Ordinal)
            && e.Value[0].GetString() == "'P2-ISF-DEPLOY' is listed twice in dependsOn");
        await ProblemAssert.IsProblem(await client.GetAsync($"/api/v1/plans/{code}"), HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task APlanFileWithADependencyCycleIsRefusedNamingTheCycle(string db)
    {
        var app = await apps.Get(db);
        using var client = app.Client(Role.Coordinator);
        var doc = JsonNode.Parse(await File.ReadAllTextAsync(TestFiles.GazaPlan))!;
        doc["agreement"]!["code"] = "cycle-" + Guid.NewGuid().ToString("N")[..6];
        var deploy = doc["agreement"]!["phases"]![1]!["provisions"]!.AsArray().Single(p => (string?)p!["code"] == "P2-ISF-DEPLOY")!;
        deploy["dependsOn"]!.AsArray().Add(new JsonObject { ["provision"] = "P2-ISF-TAKEOVER" });

        var problem = await ProblemAssert.IsProblem(await client.PostAsync("/api/v1/plans", Body(doc.ToJsonString())), HttpStatusCode.UnprocessableEntity);
        var message = Assert.Single(problem.FieldErrors("agreement.phases"));
        Assert.Contains("cycle", message);
        foreach (var code in new[] { "P2-ISF-DEPLOY", "P2-YELLOW-LINE", "P2-ISF-TAKEOVER" })
        {
            Assert.Contains(code, message);
        }
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task HostilePlanFilesAreRefusedWithAClearError(string db)
    {
        var app = await apps.Get(db);
        using var client = app.Client(Role.Coordinator);
        var notJson = await ProblemAssert.IsProblem(await client.PostAsync("/api/v1/plans", Body("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>")), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("not a valid plan file", notJson.Detail());
        var unknown = await ProblemAssert.IsProblem(await client.PostAsync("/api/v1/plans", Body("{\"format\":\"truceline-plan/1\",\"agreement\":{\"code\":\"x\",\"evil\":1}}")), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("evil", unknown.Detail());
        var deep = new string('[', 5000) + new string(']', 5000);
        Assert.Contains("not a valid plan file", (await ProblemAssert.IsProblem(await client.PostAsync("/api/v1/plans", Body(deep)), HttpStatusCode.UnprocessableEntity)).Detail());
        var huge = await client.PostAsync("/api/v1/plans", new ByteArrayContent(new byte[17 * 1024 * 1024]) { Headers = { ContentType = new("application/json") } });
        Assert.Contains("at most 16 MiB", (await ProblemAssert.IsProblem(huge, HttpStatusCode.RequestEntityTooLarge)).Detail());
        // A plan whose title carries a broken UTF-8 sequence would otherwise parse: it must be refused, not stored mangled.
        var valid = (await File.ReadAllTextAsync(TestFiles.GazaPlan)).Replace("\"code\": \"gaza-cp\"", "\"code\": \"broken-utf8\"", StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(valid.Replace("Comprehensive Plan for Gaza", "Comprehensive Plan for Gaza \u0001", StringComparison.Ordinal)).ToList();
        var at = bytes.IndexOf(0x01);
        bytes[at] = 0xC3;
        bytes.Insert(at + 1, 0x28);
        var brokenUtf8 = await ProblemAssert.IsProblem(
            await client.PostAsync("/api/v1/plans", new ByteArrayContent([.. bytes]) { Headers = { ContentType = new("application/json") } }), HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith("is not valid UTF-8", brokenUtf8.FieldErrors("body")[0]);
        await ProblemAssert.IsProblem(await client.GetAsync("/api/v1/plans/broken-utf8"), HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AnAliasThatWouldNameTwoPartiesIsRefusedByItsPath(string db)
    {
        var app = await apps.Get(db);
        var plan = JsonNode.Parse(await File.ReadAllTextAsync(TestFiles.GazaPlan))!;
        var code = "aliases-" + Guid.NewGuid().ToString("N")[..8];
        plan["agreement"]!["code"] = code;
        plan["agreement"]!["parties"]![1]!["aliases"] = new JsonArray("military forces of israel (2022-)");
        plan["agreement"]!["parties"]![2]!["aliases"] = new JsonArray("Two\nlines", "HAMAS");
        using var admin = app.Client(Role.Administrator);
        var refused = await ProblemAssert.IsProblem(await admin.PostAsync("/api/v1/plans", Body(plan.ToJsonString())), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("already names party 'israel'", refused.FieldErrors("agreement.parties[1].aliases[0]").Single());
        Assert.NotEmpty(refused.FieldErrors("agreement.parties[2].aliases[0]"));
        Assert.Contains("already names party 'hamas'", refused.FieldErrors("agreement.parties[2].aliases[1]").Single()); // another party's name
        await ProblemAssert.IsProblem(await admin.GetAsync($"/api/v1/plans/{code}"), HttpStatusCode.NotFound);
    }
}
