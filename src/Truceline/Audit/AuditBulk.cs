using Microsoft.EntityFrameworkCore;
using Truceline.Data;

namespace Truceline.Audit;

/// <summary>
/// The audit trail for writers that bypass change tracking because tracking thousands of rows costs more than writing
/// them (a batch of stage changes). The entries are the ones <see cref="AuditInterceptor"/> would have written, chained
/// after the last one in the same transaction, so the trail and its verification cannot tell the two paths apart.
/// </summary>
internal static class AuditBulk
{
    private static readonly string[] Columns =
        ["seq", "at", "actor", "entity_type", "entity_id", "subject", "action", "changes", "prev_hash", "hash", "classification", "owner_organisation_id", "confidential_to"];

    /// <summary>Chains and writes the entries. The caller's transaction must hold the writer lock (<see cref="Writes"/>):
    /// the last link is read and the new ones written with no other writer in between.</summary>
    public static async Task AppendAsync(TrucelineDb db, IReadOnlyList<AuditEntry> entries, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("Audit entries are appended inside the writer's transaction.");
        }
        if (entries.Count == 0)
        {
            return;
        }
        if (db.IsPostgres)
        {
            // Re-entrant within the transaction: cheap if the caller holds it already, and the chain cannot fork if not.
            await db.Database.ExecuteSqlRawAsync(Writes.LockSql, ct);
        }
        var last = await AuditInterceptor.LastLinkAsync(db, ct);
        var seq = last?.Seq ?? 0;
        var prev = last?.Hash ?? AuditChain.Genesis;
        var insert = new BulkInsert(db, "audit_entries", Columns);
        foreach (var e in entries)
        {
            e.Seq = ++seq;
            e.PrevHash = prev;
            e.Hash = AuditChain.ComputeHash(e);
            prev = e.Hash;
            insert.Add(e.Seq, e.At, e.Actor, e.EntityType, e.EntityId, e.Subject, e.Action, e.Changes, e.PrevHash, e.Hash, e.Classification, e.OwnerOrganisationId, e.ConfidentialTo);
        }
        await insert.FlushAsync(ct);
    }
}
