using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Truceline.Access;
using Truceline.Data;
using Truceline.Grievances;
using Truceline.Web.Pages.Aid;

namespace Truceline.Web.Pages.Complaint;

/// <summary>
/// The public complaint page: Arabic first, no sign-in, no JavaScript, small. What is written here is encrypted before
/// it is stored; the page shows the tracking code once and keeps nothing else in the browser.
/// </summary>
public sealed class IndexModel(TrucelineDb db, PersonalData personalData, TimeProvider time, GrievanceIntake intake) : PageModel
{
    /// <summary>English labels of the categories, translated on the page; the sensitive one says what it covers.</summary>
    public static readonly IReadOnlyList<(GrievanceCategory Category, string Label)> Categories =
    [
        (GrievanceCategory.AidDistribution, "Aid distribution"),
        (GrievanceCategory.Access, "Access and movement"),
        (GrievanceCategory.Conduct, "Conduct of forces or personnel"),
        (GrievanceCategory.Property, "Property"),
        (GrievanceCategory.Detention, "Detention"),
        (GrievanceCategory.Services, "Services (water, health, electricity)"),
        (GrievanceCategory.Safeguarding, "Sexual exploitation or abuse, or a threat to your safety"),
        (GrievanceCategory.Other, "Something else"),
    ];

    public IReadOnlyList<(string Code, string Name)> Governorates { get; private set; } = [];

    public SubmitGrievance.Receipt? Receipt { get; private set; }

    public IReadOnlyList<string> Errors { get; private set; } = [];

    [BindProperty] public string? Category { get; set; }

    [BindProperty] public string? Governorate { get; set; }

    [BindProperty] public string? Text { get; set; }

    [BindProperty] public string? Contact { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => Governorates = await AidPageLookups.GovernoratesRecentAsync(db, ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Governorates = await AidPageLookups.GovernoratesRecentAsync(db, ct);
        var language = System.Globalization.CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        // The public's complaints are the public's: whoever is signed in, the page files it as a member of the public.
        db.Viewer = Viewer.Anonymous;
        var prepared = await SubmitGrievance.PrepareAsync(db, personalData,
            new SubmitGrievance.Request(Category, Text, Contact, Governorate, language), GrievanceChannel.Web, null, time, ct);
        // Stored with others waiting at the same moment, in one commit; the code is shown only once it is committed.
        var outcome = prepared.Succeeded ? await intake.StoreAsync(prepared.Value!) : new Truceline.Common.Outcome<SubmitGrievance.Receipt>(default, prepared.Failure);
        if (outcome.Succeeded)
        {
            Receipt = outcome.Value;
            (Text, Contact) = (null, null);
            return Page();
        }
        (Errors, Response.StatusCode) = FormFailures.Lines(outcome.Failure!);
        return Page();
    }
}
