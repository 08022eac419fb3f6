using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Truceline.Data;
using Truceline.Transparency;

namespace Truceline.Web.Pages.Log;

/// <summary>One entry: exactly what was published, and a check in the browser that it is in the signed log.</summary>
public sealed class EntryModel(TrucelineDb db, NoteSigner signer) : PageModel
{
    public LogEntry Entry { get; private set; } = null!;

    public string Pretty { get; private set; } = "";

    public string Key => signer.Verifier.ToString();

    /// <summary>Every entry of the same record, oldest first: the record's corrections in order.</summary>
    public IReadOnlyList<(long Index, DateTime PublishedAt)> Versions { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(long index, CancellationToken ct)
    {
        var entry = await db.LogEntries.AsNoTracking().FirstOrDefaultAsync(e => e.Index == index, ct);
        if (entry is null)
        {
            return NotFound();
        }
        Entry = entry;
        Versions = (await db.LogEntries.AsNoTracking().Where(e => e.Kind == entry.Kind && e.RecordId == entry.RecordId)
            .OrderBy(e => e.Index).Select(e => new { e.Index, e.PublishedAt }).ToListAsync(ct))
            .Select(v => (v.Index, v.PublishedAt)).ToList();
        try
        {
            Pretty = JsonNode.Parse(entry.Body)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        }
        catch (JsonException)
        {
            Pretty = entry.Body;
        }
        return Page();
    }
}
