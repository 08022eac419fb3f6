using Microsoft.EntityFrameworkCore;
using Truceline.Data;

namespace Truceline.Transparency;

/// <summary>Signs the log's current size and root as a C2SP checkpoint, if it has grown since the last one.</summary>
public static class PublishCheckpoint
{
    public static async Task<LogCheckpoint> RunAsync(TrucelineDb db, NoteSigner signer, TimeProvider time, CancellationToken ct = default) =>
        (await Writes.InTransactionAsync(db, async () =>
        {
            // Finished days' aid totals go into the tree this checkpoint signs (new days, and corrections of late ones).
            await Publications.AidDailyTotalsAsync(db, time.GetUtcNow().UtcDateTime, ct);
            var size = await TransparencyLog.SizeAsync(db, ct);
            var latest = await LatestAsync(db, ct);
            if (latest is not null && latest.Size == size)
            {
                return new Common.Outcome<LogCheckpoint>(latest, null);
            }
            var root = size == 0 ? MerkleTree.EmptyRoot.ToArray() : await TransparencyLog.RootAsync(db, size, ct);
            var checkpoint = new Checkpoint(signer.Name, size, root);
            var note = SignedNote.Sign(checkpoint.ToString(), signer);
            var row = new LogCheckpoint { Size = size, RootHash = Convert.ToBase64String(root), Note = note.ToString(), CreatedAt = time.GetUtcNow().UtcDateTime };
            db.LogCheckpoints.Add(row);
            db.ChangedPublishedLog = true;
            await db.SaveChangesAsync(ct);
            return new Common.Outcome<LogCheckpoint>(row, null);
        }, ct)).Value!;

    public static Task<LogCheckpoint?> LatestAsync(TrucelineDb db, CancellationToken ct) =>
        db.LogCheckpoints.AsNoTracking().OrderByDescending(c => c.Size).FirstOrDefaultAsync(ct);
}
