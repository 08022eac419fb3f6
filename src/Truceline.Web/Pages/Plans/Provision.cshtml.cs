using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Truceline.Audit;
using Truceline.Common;
using Truceline.Data;
using Truceline.Plans;
using Truceline.Web.Access;
using Truceline.Web.Plans;

namespace Truceline.Web.Pages.Plans;

/// <summary>A provision: its text and source, history, gates, metrics and audit trail, and the forms to change them.
/// The forms call the same use cases as the API.</summary>
public sealed class ProvisionModel(TrucelineDb db, TimeProvider time) : PageModel
{
    public ProvisionDetail? Detail { get; private set; }

    public IReadOnlyList<Provision> OtherProvisions { get; private set; } = [];

    public IReadOnlyList<AuditEntry> Audit { get; private set; } = [];

    public IReadOnlyList<KnockOnView>? KnockOn { get; private set; }

    /// <summary>Incidents whose findings name this provision, with the conclusion of each.</summary>
    public IReadOnlyList<(Truceline.Incidents.Incident Incident, string Conclusion)> Incidents { get; private set; } = [];

    [TempData]
    public string? Notice { get; set; }

    [TempData]
    public string? KnockOnJson { get; set; }

    public bool CanEdit => User.Can(Permission.EditPlans);

    public bool CanObserve => User.Can(Permission.RecordObservations);

    public bool CanVerify => User.Can(Permission.VerifyObservations);

    public bool CanReadAudit => User.Can(Permission.ReadAudit);

    public bool SignedIn => User.Identity?.IsAuthenticated == true;

    /// <summary>Which of this provision's status changes and observations are in the transparency log ("kind/id"), to link each to its entry.</summary>
    public IReadOnlySet<string> Published { get; private set; } = new HashSet<string>();

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return this.NotFoundOrSignIn();
        }
        if (KnockOnJson is not null)
        {
            KnockOn = JsonSerializer.Deserialize<List<KnockOnView>>(KnockOnJson);
        }
        return Page();
    }

    public async Task<IActionResult> OnPostStatusAsync(Guid id, int? status, string? evidence, string? source, DateOnly? effectiveOn, CancellationToken ct)
    {
        if (!CanEdit)
        {
            return Forbid();
        }
        var outcome = await ChangeStatus.RunAsync(db, id, new ChangeStatus.Request(status, evidence, source, effectiveOn), time, ct);
        return await AfterAsync(id, outcome.Failure, "status", $"Status changed to {status} ({ImplementationStatus.Label(status ?? -1)}).", ct);
    }

    public async Task<IActionResult> OnPostDeadlineAsync(Guid id, DateOnly? deadline, string? reason, CancellationToken ct)
    {
        if (!CanEdit)
        {
            return Forbid();
        }
        var outcome = await AmendDeadline.RunAsync(db, id, new AmendDeadline.Request(deadline, reason), time, ct);
        if (outcome.Succeeded)
        {
            KnockOnJson = JsonSerializer.Serialize(PlanViews.KnockOn(outcome.Value!.KnockOn));
        }
        return await AfterAsync(id, outcome.Failure, "deadline", $"Deadline amended to {deadline:yyyy-MM-dd}.", ct);
    }

    public async Task<IActionResult> OnPostDependencyAsync(Guid id, string? prerequisite, int? requiredStatus, string? metric, double? threshold, string? note, CancellationToken ct)
    {
        if (!CanEdit)
        {
            return Forbid();
        }
        var outcome = await AddDependency.RunAsync(db, id,
            new AddDependency.Request(prerequisite, requiredStatus, string.IsNullOrEmpty(metric) ? null : metric, threshold, note), time, ct);
        return await AfterAsync(id, outcome.Failure, "dependency", $"Now waits for {prerequisite}.", ct);
    }

    public async Task<IActionResult> OnPostObservationAsync(Guid id, Guid metricId, DateOnly? observedOn, double? value, string? source, VerificationState? verification, CancellationToken ct)
    {
        if (!CanObserve)
        {
            return Forbid();
        }
        var outcome = await RecordObservation.RunAsync(db, metricId, new RecordObservation.Request(observedOn, value, source, verification), CanVerify, time, ct);
        return await AfterAsync(id, outcome.Failure, "observation", "Observation recorded.", ct);
    }

    public async Task<IActionResult> OnPostVerifyAsync(Guid id, Guid observationId, VerificationState? verification, CancellationToken ct)
    {
        if (!CanVerify)
        {
            return Forbid();
        }
        var outcome = await RecordObservation.VerifyAsync(db, observationId, verification, time, ct);
        return await AfterAsync(id, outcome.Failure, "observation", $"Observation marked {verification?.ToString().ToLowerInvariant()}.", ct);
    }

    /// <summary>Post/redirect/get on success; on failure the page again, with the problem next to the form.</summary>
    private async Task<IActionResult> AfterAsync(Guid id, Failure? failure, string form, string notice, CancellationToken ct)
    {
        if (failure is null)
        {
            Notice = notice;
            return RedirectToPage(new { id });
        }
        if (failure.Kind == FailureKind.NotFound)
        {
            return NotFound();
        }
        this.Show(failure, form);
        await LoadAsync(id, ct);
        return Page();
    }

    public IEnumerable<string> ErrorsFor(string form) => FormFailures.ErrorsFor(this, form);

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        Detail = await ProvisionDetails.LoadAsync(db, id, time, ct);
        if (Detail is null)
        {
            return false;
        }
        var snapshot = (await PlanSnapshot.LoadAsync(db, Detail.PlanId.ToString(), time, ct))!;
        this.MarkSimulated(snapshot.Agreement);
        OtherProvisions = snapshot.Provisions.Where(p => p.Id != id).ToList();
        var pattern = Truceline.Incidents.Tokens.Pattern(Detail.Code);
        Incidents = (await db.Findings.AsNoTracking()
                .Where(f => EF.Functions.Like(f.ProvisionsText, pattern, Truceline.Incidents.Tokens.LikeEscape))
                .Join(db.Incidents.Where(i => i.AgreementId == snapshot.Agreement.Id), f => f.IncidentId, i => i.Id, (f, i) => new { i, f.Conclusion })
                .ToListAsync(ct))
            .GroupBy(x => x.i.Id).Select(g => (g.First().i, string.Join(", ", g.Select(x => x.Conclusion.ToString()).Distinct()))).ToList();
        var ids = Detail.History.Select(h => h.Id.ToString()).Concat(Detail.Metrics.SelectMany(m => m.Observations).Select(o => o.Id.ToString()))
            .Concat(Incidents.Select(i => i.Incident.Id.ToString())).ToList();
        Published = (await db.LogEntries.AsNoTracking()
                .Where(e => (e.Kind == Truceline.Transparency.Publications.ProvisionStatus || e.Kind == Truceline.Transparency.Publications.MetricObservation
                             || e.Kind == Truceline.Transparency.Publications.IncidentConclusion) && ids.Contains(e.RecordId))
                .Select(e => e.Kind + "/" + e.RecordId).Distinct().ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        if (CanReadAudit)
        {
            Audit = await ProvisionDetails.AuditAsync(db, id, ct);
        }
        return true;
    }
}
