using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Truceline.Data;

namespace Truceline.Web.Pages.Log;

/// <summary>A published record's stable address: the page of its latest entry, which lists the earlier ones. Figures on the portal link here.</summary>
public sealed class RecordModel(TrucelineDb db) : PageModel
{
    public async Task<IActionResult> OnGetAsync(string kind, string id, CancellationToken ct)
    {
        var latest = await db.LogEntries.AsNoTracking().Where(e => e.Kind == kind && e.RecordId == id)
            .OrderByDescending(e => e.Index).Select(e => (long?)e.Index).FirstOrDefaultAsync(ct);
        return latest is { } index ? Redirect($"/log/entries/{index}") : NotFound();
    }
}
