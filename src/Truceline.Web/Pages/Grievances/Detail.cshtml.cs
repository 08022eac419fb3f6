using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;
using Truceline.Grievances;
using Truceline.Web.Grievances;

namespace Truceline.Web.Pages.Grievances;

/// <summary>One complaint for the officers handling it: the text, the contact (handling organisation only), the
/// history, and the forms for each step. The forms call the same use cases as the API.</summary>
public sealed class DetailModel(TrucelineDb db, PersonalData personalData, TimeProvider time, SmsOutbox outbox) : PageModel
{
    public GrievanceView? View { get; private set; }

    public IReadOnlyList<string> Organisations { get; private set; } = [];

    [TempData]
    public string? Notice { get; set; }

    /// <summary>The notices a step leaves (translated on the page; the language test reads this list).</summary>
    public static readonly string[] Notices =
    [
        "Acknowledged.", "Referred.", "Declined: the complaint is back with the organisation that referred it.",
        "Answered: the complainant reads it with the tracking code.", "Closed.",
    ];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostAcknowledgeAsync(Guid id, string? severity, string? category, string? note, string? provision, string? incident, CancellationToken ct)
    {
        Guid? incidentId = Guid.TryParse(incident, out var parsed) ? parsed : null;
        if (!string.IsNullOrWhiteSpace(incident) && incidentId is null)
        {
            return StepAsync(id, "acknowledge", Task.FromResult(new Outcome<Grievance>(default, Failure.Invalid("incident", "is an incident's id (from its page's address)"))), "", ct);
        }
        return StepAsync(id, "acknowledge", AcknowledgeGrievance.RunAsync(db, id, new AcknowledgeGrievance.Request(severity, note,
            string.IsNullOrEmpty(category) ? null : category, string.IsNullOrEmpty(provision) ? null : provision, incidentId), time, ct), "Acknowledged.", ct);
    }

    /// <summary>The provisions a complaint can be tied to (those this officer may see).</summary>
    public IReadOnlyList<(string Code, string Title)> Provisions { get; private set; } = [];

    public Task<IActionResult> OnPostReferAsync(Guid id, string? organisation, string? reason, CancellationToken ct) =>
        StepAsync(id, "refer", ReferGrievance.RunAsync(db, id, new ReferGrievance.Request(organisation, reason), time, ct), "Referred.", ct);

    public Task<IActionResult> OnPostDeclineAsync(Guid id, string? reason, CancellationToken ct) =>
        StepAsync(id, "decline", DeclineGrievance.RunAsync(db, id, new DeclineGrievance.Request(reason), time, ct), "Declined: the complaint is back with the organisation that referred it.", ct);

    public async Task<IActionResult> OnPostRespondAsync(Guid id, string? response, CancellationToken ct)
    {
        var step = RespondToGrievance.RunAsync(db, id, new RespondToGrievance.Request(response), time, ct);
        var outcome = await step;
        if (outcome.Succeeded)
        {
            await outbox.SendAnswerAsync(outcome.Value!, personalData, ct);
        }
        return await StepAsync(id, "respond", Task.FromResult(outcome), "Answered: the complainant reads it with the tracking code.", ct);
    }

    public Task<IActionResult> OnPostCloseAsync(Guid id, bool? satisfied, string? comment, CancellationToken ct) =>
        StepAsync(id, "close", CloseGrievance.RunAsync(db, personalData, id, new CloseGrievance.Request(satisfied, comment), time, ct), "Closed.", ct);

    private async Task<IActionResult> StepAsync(Guid id, string form, Task<Outcome<Grievance>> step, string done, CancellationToken ct)
    {
        var outcome = await step;
        if (outcome.Succeeded)
        {
            Notice = done;
            // A referral or a safeguarding category can take the case out of this officer's hands: back to the list then.
            return await db.Grievances.AnyAsync(g => g.Id == id, ct) ? RedirectToPage(new { id }) : RedirectToPage("/Grievances/Index");
        }
        if (!await LoadAsync(id, ct))
        {
            return NotFound();
        }
        this.Show(outcome.Failure!, form);
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var g = await db.Grievances.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        if (g is null)
        {
            return false;
        }
        View = await GrievancesApi.ViewAsync(db, personalData, g, time, ct);
        Provisions = (await db.Provisions.AsNoTracking().OrderBy(p => p.Code).Select(p => new { p.Code, p.Title }).ToListAsync(ct)).Select(p => (p.Code, p.Title)).ToList();
        Organisations = await db.Organisations.IgnoreQueryFilters().AsNoTracking().Where(o => o.Id != g.HandlingOrganisationId).OrderBy(o => o.Name).Select(o => o.Name).ToListAsync(ct);
        return true;
    }
}
