using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Truceline.Common;
using Truceline.Data;
using Truceline.Plans;
using Truceline.Plans.Files;
using Truceline.Web.Access;

namespace Truceline.Web.Plans;

public static class PlansApi
{
    public static void MapPlansApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1").WithTags("Plans")
            .RequireAuthorization(p => p.AddAuthenticationSchemes(BearerTokenHandler.SchemeName).RequireAuthenticatedUser());
        var edit = Permissions.Policy(Permission.EditPlans);

        api.MapGet("/plans", ListPlans).WithSummary("The plans you may see, with their progress");
        api.MapPost("/plans", ImportPlanFile).RequireAuthorization(edit).WithSummary("Import a plan file (truceline-plan/1) as a new agreement");
        api.MapGet("/plans/{plan}", GetPlan).WithSummary("A plan by code or id: phases, progress, provisions");
        api.MapGet("/plans/{plan}/export", ExportPlanFile).WithSummary("The plan as a plan file, with what you may see");
        api.MapGet("/plans/{plan}/audit", GetPlanAudit).WithSummary("The audit trail of the agreement, its phases, parties and sources").RequireAuthorization(Permissions.Policy(Permission.ReadAudit));
        api.MapGet("/plans/{plan}/sequencing", GetSequencing).WithSummary("Ready, blocked (with the gates each waits for), every unmet gate, deadlines at risk, critical path per phase");
        api.MapGet("/plans/{plan}/sequencing/slip", GetSlip).WithSummary("What if a provision finishes on a later date: the knock-on");
        api.MapGet("/provisions/{id:guid}", GetProvision).WithSummary("A provision with its history, amendments, gates, blocking chain and metrics");
        api.MapGet("/provisions/{id:guid}/audit", GetProvisionAudit).WithSummary("The audit trail of a provision and its history, gates and metrics").RequireAuthorization(Permissions.Policy(Permission.ReadAudit));
        api.MapPost("/provisions/{id:guid}/status", PostStatus).WithSummary("Record a new implementation status (0-3) with its evidence").RequireAuthorization(edit);
        api.MapPost("/provisions/{id:guid}/deadline", PostDeadline).WithSummary("Amend the deadline with a reason; answers the knock-on").RequireAuthorization(edit);
        api.MapPost("/provisions/{id:guid}/dependencies", PostDependency).WithSummary("Add a gate; a cycle is refused naming it").RequireAuthorization(edit);
        api.MapPost("/metrics/{id:guid}/observations", PostObservation).WithSummary("Add a dated observation to a metric").RequireAuthorization(Permissions.Policy(Permission.RecordObservations));
        api.MapPut("/observations/{id:guid}/verification", PutVerification).WithSummary("Set an observation verified, disputed or unverified").RequireAuthorization(Permissions.Policy(Permission.VerifyObservations));
    }

    public static async Task<Ok<List<PlanSummary>>> ListPlans(TrucelineDb db, CancellationToken ct)
    {
        var agreements = await db.Agreements.AsNoTracking().OrderBy(a => a.Code).ToListAsync(ct);
        var totals = await db.Provisions.GroupBy(p => p.AgreementId)
            .Select(g => new { g.Key, Score = g.Sum(p => p.Status), Count = g.Count() }).ToDictionaryAsync(t => t.Key, ct);
        return TypedResults.Ok(agreements.Select(a =>
        {
            var t = totals.GetValueOrDefault(a.Id);
            return new PlanSummary(a.Id, a.Code, a.Title, a.Simulated, PlanSnapshot.Percent(t?.Score ?? 0, t?.Count ?? 0), a.Classification.Lower());
        }).ToList());
    }

    public static async Task<Results<Created<PlanSummary>, ProblemHttpResult>> ImportPlanFile(HttpRequest request, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        if (request.ContentLength > ImportPlan.MaxFileBytes)
        {
            return TooLarge();
        }
        var body = await TextInput.ReadUtf8Async(request.Body, ImportPlan.MaxFileBytes, "body", ct);
        if (!body.Succeeded)
        {
            return body.Failure!.Title == "Too large" ? TooLarge() : body.Failure.ToProblem();
        }
        var parsed = ImportPlan.Parse(body.Value!);
        if (!parsed.Succeeded)
        {
            return parsed.Failure!.ToProblem();
        }
        var imported = await ImportPlan.RunAsync(db, parsed.Value!, request.HttpContext.User.Can(Permission.VerifyObservations), time, ct);
        if (!imported.Succeeded)
        {
            return imported.Failure!.ToProblem();
        }
        var a = imported.Value!;
        return TypedResults.Created($"/api/v1/plans/{a.Code}", new PlanSummary(a.Id, a.Code, a.Title, a.Simulated, PlanSnapshot.Percent(await db.Provisions.Where(p => p.AgreementId == a.Id).ToListAsync(ct)), a.Classification.Lower()));
    }

    public static async Task<Results<Ok<PlanOverview>, ProblemHttpResult>> GetPlan(string plan, TrucelineDb db, TimeProvider time, CancellationToken ct) =>
        await PlanSnapshot.LoadAsync(db, plan, time, ct) is { } s ? TypedResults.Ok(PlanViews.Overview(s)) : NotFoundPlan(plan);

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> ExportPlanFile(string plan, TrucelineDb db, CancellationToken ct) =>
        await ExportPlan.RunAsync(db, plan, ct) is { } file
            ? TypedResults.Content(file.Serialize(), "application/json; charset=utf-8")
            : NotFoundPlan(plan);

    public static async Task<Results<Ok<SequencingView>, ProblemHttpResult>> GetSequencing(string plan, TrucelineDb db, TimeProvider time, CancellationToken ct) =>
        await PlanSnapshot.LoadAsync(db, plan, time, ct) is { } s ? TypedResults.Ok(PlanViews.Sequencing(s)) : NotFoundPlan(plan);

    /// <summary>What if a provision only finishes on a given date: which other provisions move, and which deadlines fall at risk.</summary>
    public static async Task<Results<Ok<SlipView>, ProblemHttpResult>> GetSlip(string plan, string? provision, DateOnly? to, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var s = await PlanSnapshot.LoadAsync(db, plan, time, ct);
        if (s is null)
        {
            return NotFoundPlan(plan);
        }
        if (string.IsNullOrWhiteSpace(provision) || s.Find(provision) is not { } p)
        {
            return Truceline.Common.Failure.Invalid("provision", $"name a provision of {s.Agreement.Code} by code or id").ToProblem();
        }
        if (to is null)
        {
            return Truceline.Common.Failure.Invalid("to", "is required: the date the provision would finish (YYYY-MM-DD)").ToProblem();
        }
        var knockOn = s.Graph.Analyse(s.Today).KnockOn(new Dictionary<Guid, DateOnly> { [p.Id] = to.Value });
        return TypedResults.Ok(new SlipView(p.Code, to.Value, s.Agreement.Simulated, PlanViews.KnockOn(knockOn)));
    }

    public static async Task<Results<Ok<ProvisionDetail>, ProblemHttpResult>> GetProvision(Guid id, TrucelineDb db, TimeProvider time, CancellationToken ct) =>
        await ProvisionDetails.LoadAsync(db, id, time, ct) is { } detail ? TypedResults.Ok(detail) : NotFoundProvision(id);

    public static async Task<Results<Ok<List<AuditView>>, ProblemHttpResult>> GetPlanAudit(string plan, TrucelineDb db, CancellationToken ct)
    {
        var agreement = await PlanLookup.FindAgreementAsync(db, plan, ct);
        if (agreement is null)
        {
            return NotFoundPlan(plan);
        }
        var entries = await ProvisionDetails.AuditOfAsync(db, $"Agreement:{agreement.Id}", ct);
        return TypedResults.Ok(entries.Select(PlanViews.Audit).ToList());
    }

    public static async Task<Results<Ok<List<AuditView>>, ProblemHttpResult>> GetProvisionAudit(Guid id, TrucelineDb db, CancellationToken ct)
    {
        if (!await db.Provisions.AnyAsync(p => p.Id == id, ct))
        {
            return NotFoundProvision(id);
        }
        var entries = await ProvisionDetails.AuditAsync(db, id, ct);
        return TypedResults.Ok(entries.Select(PlanViews.Audit).ToList());
    }

    public static async Task<Results<Ok<HistoryView>, ProblemHttpResult>> PostStatus(Guid id, ChangeStatus.Request body, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var outcome = await ChangeStatus.RunAsync(db, id, body, time, ct);
        if (!outcome.Succeeded)
        {
            return outcome.Failure!.ToProblem();
        }
        var c = outcome.Value!;
        return TypedResults.Ok(new HistoryView(c.Id, c.FromStatus, c.ToStatus, ImplementationStatus.Label(c.ToStatus), c.EffectiveOn, c.Evidence, c.SourceRef, c.RecordedBy, c.RecordedAt));
    }

    public sealed record DeadlineResult(AmendmentView Amendment, IReadOnlyList<KnockOnView> KnockOn);

    public static async Task<Results<Ok<DeadlineResult>, ProblemHttpResult>> PostDeadline(Guid id, AmendDeadline.Request body, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var outcome = await AmendDeadline.RunAsync(db, id, body, time, ct);
        if (!outcome.Succeeded)
        {
            return outcome.Failure!.ToProblem();
        }
        var (a, knockOn) = (outcome.Value!.Amendment, outcome.Value.KnockOn);
        return TypedResults.Ok(new DeadlineResult(new AmendmentView(a.FromDeadline, a.ToDeadline, a.AmendedOn, a.Reason, a.RecordedBy), PlanViews.KnockOn(knockOn)));
    }

    public static async Task<Results<Created<DependencyView>, ProblemHttpResult>> PostDependency(Guid id, AddDependency.Request body, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var outcome = await AddDependency.RunAsync(db, id, body, time, ct);
        if (!outcome.Succeeded)
        {
            return outcome.Failure!.ToProblem();
        }
        var d = outcome.Value!;
        var snapshot = (await PlanSnapshot.LoadAsync(db, d.AgreementId.ToString(), time, ct))!;
        return TypedResults.Created($"/api/v1/provisions/{id}", PlanViews.Dependency(snapshot, snapshot.Dependencies.First(x => x.Id == d.Id)));
    }

    public static async Task<Results<Created<ObservationView>, ProblemHttpResult>> PostObservation(Guid id, RecordObservation.Request body, HttpContext http, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var outcome = await RecordObservation.RunAsync(db, id, body, http.User.Can(Permission.VerifyObservations), time, ct);
        if (!outcome.Succeeded)
        {
            return outcome.Failure!.ToProblem();
        }
        var o = outcome.Value!;
        return TypedResults.Created($"/api/v1/provisions/{o.ProvisionId}", await ToViewAsync(db, o, ct));
    }

    public sealed record VerificationRequest(VerificationState? Verification);

    public static async Task<Results<Ok<ObservationView>, ProblemHttpResult>> PutVerification(Guid id, VerificationRequest body, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var outcome = await RecordObservation.VerifyAsync(db, id, body.Verification, time, ct);
        return outcome.Succeeded ? TypedResults.Ok(await ToViewAsync(db, outcome.Value!, ct)) : outcome.Failure!.ToProblem();
    }

    private static async Task<ObservationView> ToViewAsync(TrucelineDb db, Observation o, CancellationToken ct)
    {
        var simulated = await db.Provisions.Where(p => p.Id == o.ProvisionId)
            .Join(db.Agreements, p => p.AgreementId, a => a.Id, (p, a) => a.Simulated).FirstOrDefaultAsync(ct);
        return new ObservationView(o.Id, o.ObservedOn, o.Value, o.Source, o.Verification, o.RecordedBy, simulated);
    }

    private static ProblemHttpResult TooLarge() =>
        TypedResults.Problem($"A plan file may be at most {ImportPlan.MaxFileBytes / 1024 / 1024} MiB.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large");

    private static ProblemHttpResult NotFoundPlan(string plan) =>
        TypedResults.Problem($"There is no plan '{plan}' that you may see.", statusCode: 404, title: "Not found");

    private static ProblemHttpResult NotFoundProvision(Guid id) =>
        TypedResults.Problem($"There is no provision {id} that you may see.", statusCode: 404, title: "Not found");
}
