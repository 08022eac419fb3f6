using Microsoft.AspNetCore.Mvc.RazorPages;
using Truceline.Data;
using Truceline.Web.Grievances;
using Truceline.Web.Pages.Aid;

namespace Truceline.Web.Pages.Public;

/// <summary>The complaints' public figures: counts only, small ones left out (the same as /api/v1/open/grievances).</summary>
public sealed class GrievancesModel(TrucelineDb db, TimeProvider time) : PageModel
{
    public GrievancesApi.PublicGrievanceFigures Figures { get; private set; } = null!;

    public IReadOnlyList<(string Code, string Name)> Governorates { get; private set; } = [];

    public static string CategoryLabel(string camel) =>
        Truceline.Web.Pages.Complaint.IndexModel.Categories.FirstOrDefault(c => Truceline.Grievances.SubmitGrievance.Camel(c.Category.ToString()) == camel).Label ?? camel;

    public async Task OnGetAsync(CancellationToken ct)
    {
        Figures = (await GrievancesApi.PublicFigures(db, time, ct)).Value!;
        Governorates = await AidPageLookups.GovernoratesRecentAsync(db, ct);
    }
}
