using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Audit;
using Truceline.Common;
using Truceline.Data;
using Truceline.Incidents;
using Truceline.Web.Access;
using Truceline.Web.Incidents;

namespace Truceline.Web.Pages.Incidents;

/// <summary>An incident: its reports, findings beside the parties' replies, timeline, audit, and the forms to review,
/// sign and reply. The forms call the same use cases as the API.</summary>
public sealed class DetailModel(TrucelineDb db, PersonalData personalData, TimeProvider time) : PageModel
{
    public IncidentDetail? Detail { get; private set; }

    public IncidentState State { get; private set; }

    public IReadOnlyList<AuditEntry> Audit { get; private set; } = [];

    public IReadOnlyList<EvidenceView> Evidence { get; private set; } = [];

    [TempData]
    public string? Notice { get; set; }

    public bool CanReview => User.Can(Permission.ReviewIncidents);

    public bool CanSign => User.Can(Permission.SignFindings) && State == IncidentState.UnderReview;

    public bool CanReply => User.Can(Permission.ReplyToAllegations) && User.ToViewer().PartyCode is { } party
        && Detail!.Incident.AllegedParties.Contains(party, StringComparer.OrdinalIgnoreCase);

    /// <summary>Merging and splitting regroup reports by hand: the coordination centre's call, audited like every change.</summary>
    public bool CanRegroup => User.Can(Permission.StructureReports);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostStateAsync(Guid id, IncidentState? state, string? reason, CancellationToken ct)
    {
        if (!User.Can(Permission.ReviewIncidents))
        {
            return Forbid();
        }
        var outcome = await ChangeIncidentState.RunAsync(db, id, new ChangeIncidentState.Request(state, reason), time, ct);
        return await AfterAsync(id, outcome.Failure, "state", $"The incident is now {ChangeIncidentState.Name(state ?? IncidentState.Reported)}.", ct);
    }

    public async Task<IActionResult> OnPostFindingAsync(Guid id, Conclusion? conclusion, string? violation, string? provisions, string? responsibleParty, string? dissent, CancellationToken ct)
    {
        if (!User.Can(Permission.SignFindings))
        {
            return Forbid();
        }
        var list = provisions?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var outcome = await RecordFinding.RunAsync(db, id, new RecordFinding.Request(conclusion, violation, list, responsibleParty, dissent), time, ct);
        return await AfterAsync(id, outcome.Failure, "finding", "Your finding is signed.", ct);
    }

    public async Task<IActionResult> OnPostReplyAsync(Guid id, string? text, CancellationToken ct)
    {
        if (!User.Can(Permission.ReplyToAllegations))
        {
            return Forbid();
        }
        var outcome = await FileReply.RunAsync(db, id, new FileReply.Request(text), time, ct);
        return await AfterAsync(id, outcome.Failure, "reply", "Your party's reply is filed.", ct);
    }

    public async Task<IActionResult> OnPostMergeAsync(Guid id, string? into, string? reason, CancellationToken ct)
    {
        if (!User.Can(Permission.StructureReports))
        {
            return Forbid();
        }
        if (!Guid.TryParse(into?.Trim(), out var target))
        {
            return await AfterAsync(id, Failure.Invalid("into", "give the id of the incident to merge into (as its page shows it)"), "merge", "", ct);
        }
        var outcome = await RegroupIncidents.MergeAsync(db, id, new RegroupIncidents.MergeRequest(target, reason), time, ct);
        // The merged incident is closed: the reader goes on to the one that now holds the reports.
        return await AfterAsync(outcome.Succeeded ? target : id, outcome.Failure, "merge", "The incidents are merged; the other one is dismissed as merged into this.", ct);
    }

    public async Task<IActionResult> OnPostSplitAsync(Guid id, List<Guid>? reports, string? reason, CancellationToken ct)
    {
        if (!User.Can(Permission.StructureReports))
        {
            return Forbid();
        }
        var outcome = await RegroupIncidents.SplitAsync(db, id, new RegroupIncidents.SplitRequest(reports, reason), time, ct);
        return await AfterAsync(outcome.Succeeded ? outcome.Value!.Id : id, outcome.Failure, "split", "These reports are a new incident, split from the one they were in.", ct);
    }

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
        Detail = await IncidentsApi.DetailAsync(db, id, User, personalData, ct);
        if (Detail is null)
        {
            return false;
        }
        State = Enum.Parse<IncidentState>(Detail.Incident.State, ignoreCase: true);
        var reportIds = Detail.Reports.Select(r => r.Id).ToList();
        Evidence = await db.Evidence.AsNoTracking().Where(e => e.ReportId != null && reportIds.Contains(e.ReportId.Value)).OrderBy(e => e.Id)
            .Select(EvidenceView.Of).ToListAsync(ct);
        if (User.Can(Permission.ReadAudit))
        {
            var subject = $"Incident:{id}";
            Audit = await db.AuditEntries.AsNoTracking().Where(e => e.Subject == subject).OrderByDescending(e => e.Seq).Take(200).ToListAsync(ct);
        }
        return true;
    }
}
