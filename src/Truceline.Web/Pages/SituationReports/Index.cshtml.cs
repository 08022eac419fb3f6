using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Truceline.Data;
using Truceline.Web.SituationReports;

namespace Truceline.Web.Pages.SituationReports;

/// <summary>The situation reports the reader may see: drafts by classification, and what was published.</summary>
public sealed class IndexModel(TrucelineDb db) : PageModel
{
    public IReadOnlyList<SituationReportView> Reports { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Reports = await SituationReportsApi.ViewsAsync(db, await db.SituationReports.AsNoTracking().OrderByDescending(r => r.PeriodTo).ThenByDescending(r => r.CreatedAt).Take(500).ToListAsync(ct), ct);
}
