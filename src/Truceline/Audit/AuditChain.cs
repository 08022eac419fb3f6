using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Truceline.Data;

namespace Truceline.Audit;

public static class AuditChain
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public static string ComputeHash(AuditEntry e)
    {
        // Every field is in the hash, separated by a character none of them may contain unescaped (\n is escaped in JSON).
        var text = string.Join('\n',
            e.Seq.ToString(CultureInfo.InvariantCulture),
            FormatTime(e.At),
            e.Actor,
            e.EntityType,
            e.EntityId,
            e.Subject,
            e.Action,
            e.Changes,
            e.PrevHash);
        // Entries from before migration 0004 had no classification; a public, unowned entry hashes as they did.
        if (e.Classification != Access.Classification.Public || e.OwnerOrganisationId is not null || e.ConfidentialTo is not null)
        {
            text = string.Join('\n', text, e.Classification.ToString(), e.OwnerOrganisationId?.ToString() ?? "", e.ConfidentialTo ?? "");
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Microsecond precision: what both SQLite (text) and PostgreSQL (timestamptz) keep exactly.</summary>
    public static DateTime Truncate(DateTime utc) =>
        new(utc.Ticks - (utc.Ticks % 10), DateTimeKind.Utc);

    private static string FormatTime(DateTime at) =>
        DateTime.SpecifyKind(at, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    public sealed record Verdict(bool Intact, long Checked, long? FirstBrokenSeq, string Message);

    /// <summary>Walks the whole chain in order and names the first entry that does not fit.</summary>
    public static async Task<Verdict> VerifyAsync(TrucelineDb db, CancellationToken ct = default)
    {
        var previousHash = Genesis;
        long expectedSeq = 1;
        long checkedCount = 0;
        await foreach (var e in db.AuditEntries.IgnoreQueryFilters().AsNoTracking().OrderBy(a => a.Seq).AsAsyncEnumerable().WithCancellation(ct))
        {
            if (e.Seq != expectedSeq)
            {
                return new(false, checkedCount, expectedSeq,
                    $"Entry {expectedSeq} is missing: the chain jumps from {expectedSeq - 1} to {e.Seq}.");
            }
            if (e.PrevHash != previousHash)
            {
                return new(false, checkedCount, e.Seq,
                    $"Entry {e.Seq} ({e.Action} {e.EntityType} {e.EntityId}) does not follow entry {e.Seq - 1}: its previous-hash does not match.");
            }
            if (ComputeHash(e) != e.Hash)
            {
                return new(false, checkedCount, e.Seq,
                    $"Entry {e.Seq} ({e.Action} {e.EntityType} {e.EntityId}) was altered: its content does not match its hash.");
            }
            previousHash = e.Hash;
            expectedSeq++;
            checkedCount++;
        }
        return new(true, checkedCount, null, $"Audit chain intact: {checkedCount} entries.");
    }
}
