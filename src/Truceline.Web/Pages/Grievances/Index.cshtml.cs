using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Truceline.Data;
using Truceline.Grievances;
using Truceline.Web.Grievances;

namespace Truceline.Web.Pages.Grievances;

/// <summary>The grievance officers' dashboard: the complaints their organisation handles, what is past its deadline
/// first (escalated), then the open ones, then the rest.</summary>
public sealed class IndexModel(TrucelineDb db, TimeProvider time) : PageModel
{
    public IReadOnlyList<GrievanceSummary> Escalated { get; private set; } = [];

    public IReadOnlyList<GrievanceSummary> Open { get; private set; } = [];

    public IReadOnlyList<GrievanceSummary> Done { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var all = (await db.Grievances.AsNoTracking().OrderByDescending(g => g.ReceivedAt).ThenByDescending(g => g.Id).Take(500).ToListAsync(ct))
            .Select(g => GrievancesApi.Summary(g, now)).ToList();
        Escalated = all.Where(g => g.EscalatedAt is not null && g.State is not ("responded" or "closed")).ToList();
        Open = all.Where(g => g.State is not ("responded" or "closed") && !Escalated.Contains(g)).ToList();
        Done = all.Where(g => g.State is "responded" or "closed").ToList();
    }
}
