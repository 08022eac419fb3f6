using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Data;
using Truceline.Web.Incidents;

namespace Truceline.Web.Pages.Reports;

public sealed class ShowModel(TrucelineDb db, PersonalData personalData) : PageModel
{
    public ReportView? Report { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var report = await db.Reports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (report is null)
        {
            return NotFound();
        }
        Report = ReportsApi.View(report, User, personalData);
        return Page();
    }
}
