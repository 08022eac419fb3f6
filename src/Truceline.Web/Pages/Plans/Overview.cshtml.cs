using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Truceline.Data;
using Truceline.Plans;
using Truceline.Web.Plans;

namespace Truceline.Web.Pages.Plans;

public sealed class OverviewModel(TrucelineDb db, TimeProvider time) : PageModel
{
    public PlanOverview? Overview { get; private set; }

    public SequencingView? Sequencing { get; private set; }

    public async Task<IActionResult> OnGetAsync(string plan, CancellationToken ct)
    {
        var snapshot = await PlanSnapshot.LoadAsync(db, plan, time, ct);
        if (snapshot is null)
        {
            return NotFound();
        }
        Overview = PlanViews.Overview(snapshot);
        Sequencing = PlanViews.Sequencing(snapshot);
        this.MarkSimulated(snapshot.Agreement);
        return Page();
    }
}
