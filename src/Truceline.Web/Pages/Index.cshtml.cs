using Microsoft.AspNetCore.Mvc.RazorPages;
using Truceline.Data;
using Truceline.Web.Plans;

namespace Truceline.Web.Pages;

/// <summary>Signed in: the plans this user follows. Signed out: the public portal, with the public plans only (the access rule's filter decides).</summary>
public sealed class IndexModel(TrucelineDb db) : PageModel
{
    public bool SignedIn { get; private set; }

    public IReadOnlyList<PlanSummary> Plans { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        SignedIn = User.Identity?.IsAuthenticated == true;
        Plans = (await PlansApi.ListPlans(db, ct)).Value!;
        ViewData["Simulated"] = Plans.Any(p => p.Simulated);
    }
}
