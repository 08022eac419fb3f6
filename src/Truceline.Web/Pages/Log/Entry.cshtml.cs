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
    /// <summary>Why the in-browser check failed, by the code the script throws; the page gives it the words in the reader's language.</summary>
    public static readonly IReadOnlyDictionary<string, string> VerifyReasons = new Dictionary<string, string>
    {
        ["beyond-tree"] = "the entry's position is beyond the signed tree",
        ["proof-long"] = "the log's proof is too long",
        ["proof-short"] = "the log's proof is too short",
        ["key-format"] = "the key is not in the form name+keyid+base64",
        ["key-type"] = "the key is not an Ed25519 note key",
        ["not-note"] = "the log's checkpoint is not a signed note",
        ["not-signed"] = "the checkpoint is not signed by this key",
        ["newer"] = "this entry is newer than the latest checkpoint ({0} entries): check again in a minute",
        ["not-covered"] = "these bytes are not the entry the signed checkpoint covers",
        ["no-ed25519"] = "this browser cannot check Ed25519 signatures; use a current browser, or 'truceline verify'",
        ["unreadable"] = "the log could not be read, or answered with something that is not a proof",
    };

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
