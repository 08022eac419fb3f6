using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Truceline.Data;
using Truceline.Transparency;
using Truceline.Web.Transparency;

namespace Truceline.Web.Pages.Log;

/// <summary>The transparency log for anyone: its key, the current checkpoint, who has cosigned it, and the latest entries.</summary>
public sealed class IndexModel(TrucelineDb db, NoteSigner signer) : PageModel
{
    public const int Recent = 50;

    public string Key => signer.Verifier.ToString();

    public LogCheckpoint? Checkpoint { get; private set; }

    public string? Note { get; private set; }

    public IReadOnlyList<WitnessView> Witnesses { get; private set; } = [];

    public IReadOnlyList<LogEntry> Entries { get; private set; } = [];

    public long Size { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Checkpoint = await PublishCheckpoint.LatestAsync(db, ct);
        Note = Checkpoint is null ? null : await Truceline.Transparency.Witnesses.NoteAsync(db, Checkpoint, ct);
        Witnesses = (await LogApi.GetWitnesses(db, ct)).Value!;
        Size = await TransparencyLog.SizeAsync(db, ct);
        Entries = await db.LogEntries.AsNoTracking().OrderByDescending(e => e.Index).Take(Recent).ToListAsync(ct);
    }
}
