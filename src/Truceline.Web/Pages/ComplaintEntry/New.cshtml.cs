using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Data;
using Truceline.Grievances;
using Truceline.Web.Pages.Aid;

namespace Truceline.Web.Pages.ComplaintEntry;

/// <summary>Staff write down a complaint made to them by phone or in person, and read the tracking code back to the
/// complainant. The same use case as the API; the complaint goes to the grievance officers.</summary>
public sealed class NewModel(TrucelineDb db, PersonalData personalData, TimeProvider time) : PageModel
{
    public IReadOnlyList<(string Code, string Name)> Governorates { get; private set; } = [];

    public IReadOnlyList<(string Code, string Title)> Provisions { get; private set; } = [];

    public SubmitGrievance.Receipt? Receipt { get; private set; }

    public IReadOnlyList<string> Errors { get; private set; } = [];

    [BindProperty] public string? Channel { get; set; } = "phone";

    [BindProperty] public string? Category { get; set; }

    [BindProperty] public string? Governorate { get; set; }

    [BindProperty] public string? Language { get; set; } = "ar";

    [BindProperty] public string? Text { get; set; }

    [BindProperty] public string? Contact { get; set; }

    [BindProperty] public string? Provision { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Channel is not ("phone" or "inPerson"))
        {
            Errors = ["channel: is phone or inPerson"];
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        var outcome = await SubmitGrievance.RunAsync(db, personalData,
            new SubmitGrievance.Request(Category, Text, Contact, Governorate, Language, string.IsNullOrEmpty(Provision) ? null : Provision),
            Channel == "phone" ? GrievanceChannel.Phone : GrievanceChannel.InPerson, null, time, ct);
        if (outcome.Succeeded)
        {
            Receipt = outcome.Value;
            (Text, Contact) = (null, null);
            return Page();
        }
        (Errors, Response.StatusCode) = FormFailures.Lines(outcome.Failure!);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Governorates = await AidPageLookups.GovernoratesRecentAsync(db, ct);
        Provisions = (await db.Provisions.AsNoTracking().OrderBy(p => p.Code).Select(p => new { p.Code, p.Title }).ToListAsync(ct)).Select(p => (p.Code, p.Title)).ToList();
    }
}
