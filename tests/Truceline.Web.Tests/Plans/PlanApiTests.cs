using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Truceline.Access;
using Truceline.Plans;
using Truceline.Web.Plans;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Plans;

public sealed class PlanApiTests(Apps apps)
{
    private static StringContent JsonBody(object body) => new(JsonSerializer.Serialize(body), System.Text.Encoding.UTF8, "application/json");

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task TheShippedPlanShowsPhaseOneProgressAndWhatBlocksPhaseTwo(string db)
    {
        var app = await apps.Get(db);
        var plan = await app.ImportGazaPlanAsync();
        using var client = app.Client(Role.Analyst);

        var overview = (await client.GetFromJsonAsync<PlanOverview>($"/api/v1/plans/{plan}", Json.Options))!;
        Assert.True(overview.Simulated);
        Assert.Equal(["phase-1", "phase-2"], overview.Phases.Select(p => p.Code));
        var phase1 = overview.Phases[0];
        // Phase I as the articles report it: withdrawal and living hostages full (3), four provisions intermediate (2).
        Assert.Equal([0, 0, 4, 2], phase1.ByStatus);
        Assert.Equal(Math.Round(100.0 * (4 * 2 + 2 * 3) / (3 * 6), 1), phase1.Progress);
        Assert.Equal(3, overview.Provisions.Single(p => p.Code == "P1-HOSTAGES-LIVING").Status);

        var seq = (await client.GetFromJsonAsync<SequencingView>($"/api/v1/plans/{plan}/sequencing", Json.Options))!;
        var takeover = seq.Blocked.Single(b => b.Provision.Code == "P2-ISF-TAKEOVER");
        Assert.Equal(["P2-YELLOW-LINE"], takeover.UnmetGates.Select(g => g.Prerequisite));
        // The whole chain: the takeover waits for the pullback, which waits for the force to deploy.
        Assert.Contains(seq.UnmetGates, g => g.Dependent == "P2-YELLOW-LINE" && g.Prerequisite == "P2-ISF-DEPLOY");
        var detail = (await client.GetFromJsonAsync<ProvisionDetail>($"/api/v1/provisions/{takeover.Provision.Id}", Json.Options))!;
        Assert.Equal(["P2-ISF-DEPLOY", "P2-YELLOW-LINE"], detail.BlockingChain.Select(g => g.Prerequisite).Order());
        Assert.Contains(seq.Ready, p => p.Code == "P2-ISF-DEPLOY");
        Assert.DoesNotContain(seq.Ready, p => p.Code == "P1-WITHDRAWAL");
        Assert.Contains(seq.AtRisk, p => p.Code == "P2-ISF-TAKEOVER");
        var phase2 = seq.Phases.Single(p => p.Code == "phase-2");
        Assert.NotEmpty(phase2.CriticalPath.Path);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ChangingAStatusRecordsEvidenceAndMovesTheProgress(string db)
    {
        var app = await apps.Get(db);
        var plan = await app.ImportGazaPlanAsync();
        var id = await app.ProvisionIdAsync(plan, "P2-ISF-DEPLOY");
        using var client = app.Client(Role.Coordinator);

        var response = await client.PostAsync($"/api/v1/provisions/{id}/status", JsonBody(new { status = 1, evidence = "First contingent arrived (simulated)", source = "CMCC sitrep 12" }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var detail = (await client.GetFromJsonAsync<ProvisionDetail>($"/api/v1/provisions/{id}", Json.Options))!;
        Assert.Equal(1, detail.Status);
        var last = detail.History[^1];
        Assert.Equal((0, 1, "First contingent arrived (simulated)", "CMCC sitrep 12"), (last.From, last.To, last.Evidence, last.Source));
        Assert.Equal(new DateOnly(2026, 11, 21), last.EffectiveOn);
        Assert.Equal(TestApp.Email(Role.Coordinator), last.RecordedBy);
        var overview = (await client.GetFromJsonAsync<PlanOverview>($"/api/v1/plans/{plan}", Json.Options))!;
        Assert.Equal(Math.Round(100.0 / (3 * 17), 1), overview.Phases[1].Progress);
        // P2-GOVERNANCE needed ISF deployment at status 1: it is ready now.
        var seq = (await client.GetFromJsonAsync<SequencingView>($"/api/v1/plans/{plan}/sequencing", Json.Options))!;
        Assert.Contains(seq.Ready, p => p.Code == "P2-GOVERNANCE");
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AnInvalidStatusChangeNamesTheFieldsAndChangesNothing(string db)
    {
        var app = await apps.Get(db);
        var plan = await app.ImportGazaPlanAsync();
        var id = await app.ProvisionIdAsync(plan, "P2-ISF-DEPLOY");
        using var client = app.Client(Role.Coordinator);

        var problem = await ProblemAssert.IsProblem(
            await client.PostAsync($"/api/v1/provisions/{id}/status", JsonBody(new { status = 7, evidence = " ", effectiveOn = "2027-01-01" })),
            HttpStatusCode.UnprocessableEntity);
        Assert.Contains("must be 0 (not initiated)", Assert.Single(problem.FieldErrors("status")));
        Assert.Contains("is required", Assert.Single(problem.FieldErrors("evidence")));
        Assert.Equal("cannot be in the future", Assert.Single(problem.FieldErrors("effectiveOn")));

        var malformed = await ProblemAssert.IsProblem(
            await client.PostAsync($"/api/v1/provisions/{id}/status", new StringContent("{\"status\": \"three\"", System.Text.Encoding.UTF8, "application/json")),
            HttpStatusCode.BadRequest);
        Assert.Contains("not valid JSON", malformed.Detail());

        var same = await ProblemAssert.IsProblem(
            await client.PostAsync($"/api/v1/provisions/{id}/status", JsonBody(new { status = 0, evidence = "x" })), HttpStatusCode.Conflict);
        Assert.Contains("already at status 0", same.Detail());

        var detail = (await client.GetFromJsonAsync<ProvisionDetail>($"/api/v1/provisions/{id}", Json.Options))!;
        Assert.Equal(0, detail.Status);
        Assert.Empty(detail.History);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AmendingADeadlineKeepsTheOldDateAndReportsTheKnockOn(string db)
    {
        var app = await apps.Get(db);
        var plan = await app.ImportGazaPlanAsync();
        var id = await app.ProvisionIdAsync(plan, "P2-YELLOW-LINE");
        using var client = app.Client(Role.Coordinator);
        var before = (await client.GetFromJsonAsync<ProvisionDetail>($"/api/v1/provisions/{id}", Json.Options))!;

        var response = await client.PostAsync($"/api/v1/provisions/{id}/deadline", JsonBody(new { deadline = "2027-09-30", reason = "Force generation delayed (simulated)" }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = (await response.Content.ReadFromJsonAsync<PlansApi.DeadlineResult>(Json.Options))!;
        Assert.Equal((before.Deadline, new DateOnly(2027, 9, 30)), (result.Amendment.From, result.Amendment.To));
        // The pullback now finishes no earlier than 30 Sep 2027, and the takeover that waits for it moves too.
        var takeover = Assert.Single(result.KnockOn, k => k.Provision == "P2-ISF-TAKEOVER");
        Assert.True(takeover.FinishAfter > takeover.FinishBefore);
        var self = Assert.Single(result.KnockOn, k => k.Provision == "P2-YELLOW-LINE");
        // Judged against its new deadline, the amended provision itself is on time.
        Assert.Equal((new DateOnly(2027, 9, 30), new DateOnly(2027, 9, 30), false), (self.FinishAfter, self.Deadline, self.AtRiskAfter));

        var after = (await client.GetFromJsonAsync<ProvisionDetail>($"/api/v1/provisions/{id}", Json.Options))!;
        Assert.Equal(new DateOnly(2027, 9, 30), after.Deadline);
        var amendment = after.DeadlineAmendments[^1];
        Assert.Equal((before.Deadline, "Force generation delayed (simulated)"), (amendment.From, amendment.Reason));

        var problem = await ProblemAssert.IsProblem(
            await client.PostAsync($"/api/v1/provisions/{id}/deadline", JsonBody(new { deadline = "2027-12-31" })), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("why the timeline was amended", problem.FieldErrors("reason")[0]);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ASlipWhatIfShowsTheKnockOnWithoutChangingAnything(string db)
    {
        var app = await apps.Get(db);
        var plan = await app.ImportGazaPlanAsync();
        using var client = app.Client(Role.Analyst);
        var slip = (await client.GetFromJsonAsync<SlipView>($"/api/v1/plans/{plan}/sequencing/slip?provision=P2-ISF-DEPLOY&to=2027-12-31", Json.Options))!;
        Assert.Equal(["P2-DISARM", "P2-GOVERNANCE", "P2-ISF-DEPLOY", "P2-ISF-TAKEOVER", "P2-YELLOW-LINE"], slip.KnockOn.Select(k => k.Provision).Order());
        Assert.All(slip.KnockOn, k => Assert.True(k.AtRiskAfter));

        var problem = await ProblemAssert.IsProblem(await client.GetAsync($"/api/v1/plans/{plan}/sequencing/slip?provision=NOPE&to=2027-12-31"), HttpStatusCode.UnprocessableEntity);
        Assert.NotEmpty(problem.FieldErrors("provision"));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ADependencyThatWouldCloseACycleIsRefusedNamingTheCycle(string db)
    {
        var app = await apps.Get(db);
        var plan = await app.ImportGazaPlanAsync();
        var deploy = await app.ProvisionIdAsync(plan, "P2-ISF-DEPLOY");
        using var client = app.Client(Role.Coordinator);

        var problem = await ProblemAssert.IsProblem(
            await client.PostAsync($"/api/v1/provisions/{deploy}/dependencies", JsonBody(new { prerequisite = "P2-ISF-TAKEOVER" })), HttpStatusCode.Conflict);
        Assert.Equal("Dependency cycle", problem.GetProperty("title").GetString());
        Assert.Contains("P2-ISF-DEPLOY depends on P2-ISF-TAKEOVER depends on P2-YELLOW-LINE depends on P2-ISF-DEPLOY", problem.Detail());

        var created = await client.PostAsync($"/api/v1/provisions/{deploy}/dependencies", JsonBody(new { prerequisite = "P1-CEASEFIRE", requiredStatus = 2, note = "Calm first" }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = (await created.Content.ReadFromJsonAsync<DependencyView>(Json.Options))!;
        Assert.True(view.Satisfied);
        await ProblemAssert.IsProblem(
            await client.PostAsync($"/api/v1/provisions/{deploy}/dependencies", JsonBody(new { prerequisite = "P1-CEASEFIRE" })), HttpStatusCode.Conflict);
        var detail = (await client.GetFromJsonAsync<ProvisionDetail>($"/api/v1/provisions/{deploy}", Json.Options))!;
        Assert.Equal(["P1-CEASEFIRE", "P1-WITHDRAWAL"], detail.DependsOn.Select(d => d.Prerequisite).Order());
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AVerifiedObservationOpensAMetricGate(string db)
    {
        var app = await apps.Get(db);
        var plan = await app.ImportGazaPlanAsync();
        var aid = await app.ProvisionIdAsync(plan, "P1-AID");
        using var monitor = app.Client(Role.Monitor);
        using var verifier = app.Client(Role.Verifier);
        var metric = (await monitor.GetFromJsonAsync<ProvisionDetail>($"/api/v1/provisions/{aid}", Json.Options))!.Metrics.Single(m => m.Code == "AID-TRUCKS");

        // A monitor may record a figure but not vouch for it.
        var refused = await ProblemAssert.IsProblem(
            await monitor.PostAsync($"/api/v1/metrics/{metric.Id}/observations", JsonBody(new { observedOn = "2026-11-20", value = 640, source = "Crossing log", verification = "verified" })),
            HttpStatusCode.Forbidden);
        Assert.Contains("Only a verifier", refused.Detail());
        var created = await monitor.PostAsync($"/api/v1/metrics/{metric.Id}/observations", JsonBody(new { observedOn = "2026-11-20", value = 640, source = "Crossing log" }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var observation = (await created.Content.ReadFromJsonAsync<ObservationView>(Json.Options))!;
        Assert.Equal(VerificationState.Unverified, observation.Verification);
        Assert.True(observation.Simulated);

        var reconstruction = await app.ProvisionIdAsync(plan, "P2-RECONSTRUCTION");
        var gate = (await verifier.GetFromJsonAsync<ProvisionDetail>($"/api/v1/provisions/{reconstruction}", Json.Options))!.DependsOn.Single(d => d.Prerequisite == "P1-AID");
        Assert.Contains("metric Aid trucks entering per day is 540 trucks/day (verified", gate.Reason);

        var verified = await verifier.PutAsync($"/api/v1/observations/{observation.Id}/verification", JsonBody(new { verification = "verified" }));
        Assert.Equal(HttpStatusCode.OK, verified.StatusCode);
        gate = (await verifier.GetFromJsonAsync<ProvisionDetail>($"/api/v1/provisions/{reconstruction}", Json.Options))!.DependsOn.Single(d => d.Prerequisite == "P1-AID");
        Assert.DoesNotContain("metric", gate.Reason ?? "");

        var invalid = await ProblemAssert.IsProblem(
            await monitor.PostAsync($"/api/v1/metrics/{metric.Id}/observations", JsonBody(new { observedOn = "2026-11-20", source = "" })), HttpStatusCode.UnprocessableEntity);
        Assert.NotEmpty(invalid.FieldErrors("value"));
        Assert.NotEmpty(invalid.FieldErrors("source"));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task UnknownPlansAndProvisionsAnswerNotFoundProblems(string db)
    {
        var app = await apps.Get(db);
        using var client = app.Client(Role.Analyst);
        var plan = await ProblemAssert.IsProblem(await client.GetAsync("/api/v1/plans/no-such-plan"), HttpStatusCode.NotFound);
        Assert.Contains("no-such-plan", plan.Detail());
        var provision = await ProblemAssert.IsProblem(await client.GetAsync($"/api/v1/provisions/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        Assert.Contains("There is no provision", provision.Detail());
    }
}
