using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Transparency;

/// <summary>
/// The append-only Merkle log of everything Truceline publishes, in the database (ADR-012). A leaf is the canonical
/// JSON of a published record; appending writes the leaf and the complete subtrees it closes, in the writer's
/// transaction, so a record is published exactly when the change that publishes it commits. Proofs read the stored
/// subtrees (RFC 9162 via <see cref="MerkleProofs"/>), one query each.
/// </summary>
public static class TransparencyLog
{
    public sealed record Published(long Index, string LeafHash);

    /// <summary>Appends a record. The caller's transaction must hold the writer lock; the content must be public.</summary>
    public static async Task<Published> AppendAsync(TrucelineDb db, string kind, string recordId, JsonObject content, bool simulated, DateTime at, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is null)
        {
            throw new InvalidOperationException("The log is appended to inside the writer's transaction.");
        }
        if (db.IsPostgres)
        {
            await db.Database.ExecuteSqlRawAsync(Writes.LockSql, ct);
        }
        var size = await SizeAsync(db, ct);
        // A record published before is corrected by a new leaf that names the last one: nothing is rewritten.
        var previous = await db.LogEntries.AsNoTracking().Where(e => e.Kind == kind && e.RecordId == recordId)
            .OrderByDescending(e => e.Index).Select(e => (long?)e.Index).FirstOrDefaultAsync(ct);
        var at1 = AtSecond(at);
        var body = new JsonObject
        {
            ["kind"] = kind,
            ["record"] = recordId,
            ["publishedAt"] = at1.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
            ["content"] = content.DeepClone(),
        };
        if (previous is { } p)
        {
            body["corrects"] = p;
        }
        if (simulated)
        {
            body["simulated"] = true;
        }
        var text = CanonicalJson.Serialize(body);
        var leaf = MerkleTree.LeafHash(Encoding.UTF8.GetBytes(text));
        var entry = new LogEntry
        {
            Index = size, Kind = kind, RecordId = recordId, Corrects = previous, Body = text, LeafHash = Convert.ToBase64String(leaf), PublishedAt = at1,
        };
        db.LogEntries.Add(entry);
        // The leaf closes a complete subtree at each level where its index is odd, as adding one to a binary counter carries.
        db.LogNodes.Add(new LogNode { Level = 0, Index = size, Hash = entry.LeafHash });
        var hash = leaf;
        var index = size;
        for (var level = 0; (index & 1) == 1; level++, index >>= 1)
        {
            var left = await db.LogNodes.AsNoTracking().Where(n => n.Level == level && n.Index == index - 1).Select(n => n.Hash).SingleAsync(ct);
            hash = MerkleTree.NodeHash(Convert.FromBase64String(left), hash);
            db.LogNodes.Add(new LogNode { Level = level + 1, Index = index >> 1, Hash = Convert.ToBase64String(hash) });
        }
        await db.SaveChangesAsync(ct);
        return new Published(size, entry.LeafHash);
    }

    public static async Task<long> SizeAsync(TrucelineDb db, CancellationToken ct) =>
        (await db.LogEntries.MaxAsync(e => (long?)e.Index, ct) ?? -1) + 1;

    public static Task<byte[]> RootAsync(TrucelineDb db, long size, CancellationToken ct) =>
        WithNodesAsync(db, node => MerkleProofs.RootFrom(size, node), ct);

    public static Task<List<byte[]>> InclusionAsync(TrucelineDb db, long index, long size, CancellationToken ct) =>
        WithNodesAsync(db, node => MerkleProofs.Inclusion(index, size, node), ct);

    public static Task<List<byte[]>> ConsistencyAsync(TrucelineDb db, long oldSize, long newSize, CancellationToken ct) =>
        WithNodesAsync(db, node => MerkleProofs.Consistency(oldSize, newSize, node), ct);

    /// <summary>
    /// Runs a proof over the stored subtrees in one query. Which subtrees a proof needs depends only on the sizes and
    /// the index, never on the hashes, so a first pass with placeholders names them and a second computes with them.
    /// </summary>
    private static async Task<T> WithNodesAsync<T>(TrucelineDb db, Func<Func<int, long, byte[]>, T> proof, CancellationToken ct)
    {
        var wanted = new HashSet<(int Level, long Index)>();
        var placeholder = new byte[32];
        proof((level, index) =>
        {
            wanted.Add((level, index));
            return placeholder;
        });
        var found = new Dictionary<(int, long), byte[]>();
        foreach (var chunk in wanted.Chunk(200))
        {
            var keys = chunk.Select(k => k.Level * (1L << 48) + k.Index).ToList();
            var rows = await db.LogNodes.AsNoTracking().Where(n => keys.Contains(n.Level * (1L << 48) + n.Index)).ToListAsync(ct);
            foreach (var n in rows)
            {
                found[(n.Level, n.Index)] = Convert.FromBase64String(n.Hash);
            }
        }
        return proof((level, index) => found.TryGetValue((level, index), out var hash)
            ? hash
            : throw new InvalidOperationException($"The log has no stored subtree at level {level}, index {index}: it has been damaged."));
    }

    /// <summary>The second the record was published: the body says it to the second, and the row keeps the same.</summary>
    private static DateTime AtSecond(DateTime at) => new(at.Ticks - (at.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}
