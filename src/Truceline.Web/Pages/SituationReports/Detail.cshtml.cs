using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Truceline.Common;
using Truceline.Data;
using Truceline.Web.Access;
using Truceline.SituationReports;
using Truceline.Web.SituationReports;

namespace Truceline.Web.Pages.SituationReports;

/// <summary>A situation report: read it, and (for its writers) change it, publish it or withdraw it.</summary>
public sealed class DetailModel(TrucelineDb db, TimeProvider time) : PageModel
{
    /// <summary>The English labels of states and classifications, translated on the page.</summary>
    public static readonly IReadOnlyList<string> Labels = ["Draft", "Published", "Withdrawn", "Public", "Restricted", "Confidential"];

    public static string StateLabel(string state) => state switch { "draft" => "Draft", "published" => "Published", "withdrawn" => "Withdrawn", _ => state };

    public static string ClassificationLabel(string classification) =>
        classification switch { "public" => "Public", "restricted" => "Restricted", "confidential" => "Confidential", _ => classification };

    public SituationReportView Report { get; private set; } = null!;

    [BindProperty] public SituationReportForm Form { get; set; } = new();

    [BindProperty] public string? Reason { get; set; }

    public IReadOnlyList<(string Code, string Title)> Agreements { get; private set; } = [];

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        Form = new SituationReportForm
        {
            Agreement = Report.Agreement, Title = Report.Title, PeriodFrom = Report.PeriodFrom, PeriodTo = Report.PeriodTo, Language = Report.Language,
            Classification = Report.Classification, Text = Report.Text, Citations = string.Join(", ", Report.Citations),
        };
        return Page();
    }

    public Task<IActionResult> OnPostEditAsync(Guid id, CancellationToken ct) => ActAsync(id, async () =>
    {
        var request = Form.ToRequest();
        return request.Succeeded ? await WriteSituationReport.EditAsync(db, id, request.Value!, time, ct) : request.Failure!;
    }, ct);

    public Task<IActionResult> OnPostPublishAsync(Guid id, CancellationToken ct) => ActAsync(id, () => PublishSituationReport.PublishAsync(db, id, time, ct), ct);

    public Task<IActionResult> OnPostWithdrawAsync(Guid id, CancellationToken ct) => ActAsync(id, () => PublishSituationReport.WithdrawAsync(db, id, Reason, time, ct), ct);

    private async Task<IActionResult> ActAsync(Guid id, Func<Task<Outcome<SituationReport>>> act, CancellationToken ct)
    {
        if (!User.Can(Permission.WriteSituationReports))
        {
            return Forbid();
        }
        var outcome = await act();
        if (outcome.Succeeded)
        {
            return Redirect($"/situation-reports/{id}");
        }
        // The writer's words stay in the form beside what is wrong with them.
        db.ChangeTracker.Clear();
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        (Errors, Response.StatusCode) = FormFailures.Lines(outcome.Failure!);
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var report = await db.SituationReports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (report is null)
        {
            return false;
        }
        Report = (await SituationReportsApi.ViewsAsync(db, [report], ct))[0];
        Agreements = await SituationReportForm.AgreementsAsync(db, ct);
        ViewData["Simulated"] = Report.Simulated;
        return true;
    }
}
