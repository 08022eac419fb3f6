using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Truceline.Data;
using Truceline.Web.Access;
using Truceline.SituationReports;

namespace Truceline.Web.Pages.SituationReports;

/// <summary>Writes a draft; publishing is a separate, deliberate step on the report's page.</summary>
public sealed class NewModel(TrucelineDb db, TimeProvider time) : PageModel
{
    [BindProperty] public SituationReportForm Form { get; set; } = new();

    public IReadOnlyList<(string Code, string Title)> Agreements { get; private set; } = [];

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!User.Can(Permission.WriteSituationReports))
        {
            return Forbid();
        }
        Agreements = await SituationReportForm.AgreementsAsync(db, ct);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        Form = new SituationReportForm { Agreement = Agreements.FirstOrDefault().Code, PeriodFrom = today.AddDays(-7), PeriodTo = today };
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!User.Can(Permission.WriteSituationReports))
        {
            return Forbid();
        }
        Agreements = await SituationReportForm.AgreementsAsync(db, ct);
        var request = Form.ToRequest();
        var created = request.Succeeded ? await WriteSituationReport.CreateAsync(db, request.Value!, time, ct) : request.Failure!;
        if (created.Succeeded)
        {
            return Redirect($"/situation-reports/{created.Value!.Id}");
        }
        (Errors, Response.StatusCode) = FormFailures.Lines(created.Failure!);
        return Page();
    }
}
