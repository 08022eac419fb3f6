using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Truceline.Data;
using Truceline.Web.Incidents;

namespace Truceline.Web.Pages.Incidents;

/// <summary>An evidence file for a signed-in reader of its report, with the recorded SHA-256 in the Digest header.</summary>
public sealed class EvidenceFileModel(TrucelineDb db) : PageModel
{
    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await EvidenceApi.LoadAsync(id, Response, db, ct) is { } file ? File(file.Content, file.ContentType, file.FileName) : NotFound();
}
