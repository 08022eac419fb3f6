using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
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

    /// <summary>A record to publish: what kind, which one, what it says.</summary>
    public sealed record Item(string Kind, string RecordId, JsonObject Content, bool Simulated);

    private static readonly string[] EntryColumns = ["idx", "kind", "record_id", "corrects", "body", "leaf_hash", "published_at"];
    private static readonly string[] NodeColumns = ["level", "idx", "hash"];

    /// <summary>Appends a record. The caller's transaction must hold the writer lock; the content must be public.</summary>
    /// <summary>
    /// Raised in this process after a transaction that appended leaves or signed a checkpoint has committed, so that
    /// what was cached from the log (public pages, open data) is dropped. Another process's appends are seen by polling.
    /// </summary>
    /// <remarks>The argument is the database's connection string: a process may serve several (the tests do).</remarks>
    public static event Action<string?>? Committed;

    internal static void RaiseCommitted(string? database) => Committed?.Invoke(database);

    public static async Task<Published> AppendAsync(TrucelineDb db, string kind, string recordId, JsonObject content, bool simulated, DateTime at, CancellationToken ct) =>
        (await AppendManyAsync(db, [new Item(kind, recordId, content, simulated)], at, ct))[0];

    /// <summary>
    /// Appends records in order, in the caller's transaction (which must hold the writer lock). The tree's right edge
    /// (the roots of its perfect subtrees, one per set bit of the size) is read once; every leaf then closes its
    /// subtrees in memory, as adding one to a binary counter carries, and the rows are written in bulk.
    /// </summary>
    public static async Task<IReadOnlyList<Published>> AppendManyAsync(TrucelineDb db, IReadOnlyList<Item> items, DateTime at, CancellationToken ct)
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
        var edge = await RightEdgeAsync(db, size, ct);
        db.ChangedPublishedLog = true;
        // A record published before is corrected by a new leaf that names the last one: nothing is rewritten.
        var latest = new Dictionary<(string, string), long>();
        foreach (var group in items.GroupBy(i => i.Kind))
        {
            foreach (var chunk in group.Select(i => i.RecordId).Distinct().Chunk(500))
            {
                var kind = group.Key;
                foreach (var row in await db.LogEntries.AsNoTracking().Where(e => e.Kind == kind && chunk.Contains(e.RecordId))
                    .GroupBy(e => e.RecordId).Select(g => new { g.Key, Index = g.Max(e => e.Index) }).ToListAsync(ct))
                {
                    latest[(kind, row.Key)] = row.Index;
                }
            }
        }
        var at1 = AtSecond(at);
        var stamp = at1.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        var entries = new BulkInsert(db, "log_entries", EntryColumns);
        var nodes = new BulkInsert(db, "log_nodes", NodeColumns);
        var published = new List<Published>(items.Count);
        foreach (var item in items)
        {
            long? previous = latest.TryGetValue((item.Kind, item.RecordId), out var p) ? p : null;
            var body = new JsonObject { ["kind"] = item.Kind, ["record"] = item.RecordId, ["publishedAt"] = stamp, ["content"] = item.Content.DeepClone() };
            if (previous is { } corrected)
            {
                body["corrects"] = corrected;
            }
            if (item.Simulated)
            {
                body["simulated"] = true;
            }
            var text = CanonicalJson.Serialize(body);
            var leaf = MerkleTree.LeafHash(Encoding.UTF8.GetBytes(text));
            var leafText = Convert.ToBase64String(leaf);
            entries.Add(size, item.Kind, item.RecordId, previous, text, leafText, at1);
            nodes.Add(0, size, leafText);
            var hash = leaf;
            var index = size;
            var level = 0;
            for (; (index & 1) == 1; level++, index >>= 1)
            {
                hash = MerkleTree.NodeHash(edge[level], hash);
                edge.Remove(level);
                nodes.Add(level + 1, index >> 1, Convert.ToBase64String(hash));
            }
            // The subtree just completed at this level is the left sibling the next carry will need.
            edge[level] = hash;
            latest[(item.Kind, item.RecordId)] = size;
            published.Add(new Published(size, leafText));
            size++;
        }
        await entries.FlushAsync(ct);
        await nodes.FlushAsync(ct);
        return published;
    }

    /// <summary>The roots of the perfect subtrees the tree of this size splits into, by level (one per set bit).</summary>
    private static async Task<Dictionary<int, byte[]>> RightEdgeAsync(TrucelineDb db, long size, CancellationToken ct)
    {
        var wanted = new List<(int Level, long Index)>();
        for (var level = 0; level < 63; level++)
        {
            if ((size >> level & 1) == 1)
            {
                // The subtree at this level covers the leaves just below the higher set bits.
                wanted.Add((level, (size >> level) - 1));
            }
        }
        var found = await ReadNodesAsync(db, wanted, ct);
        if (found.Count != wanted.Count)
        {
            throw new InvalidOperationException("The log's stored subtrees do not cover its size: it has been damaged.");
        }
        return found.ToDictionary(f => f.Key.Level, f => f.Value);
    }

    /// <summary>
    /// Stored subtrees by (level, index), in one statement of primary-key lookups. Written by hand: a proof reads a few
    /// dozen rows, and must not pay a query plan per row, nor a scan.
    /// </summary>
    private static async Task<Dictionary<(int Level, long Index), byte[]>> ReadNodesAsync(TrucelineDb db, IReadOnlyCollection<(int Level, long Index)> keys, CancellationToken ct)
    {
        var found = new Dictionary<(int, long), byte[]>();
        if (keys.Count == 0)
        {
            return found;
        }
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await db.Database.OpenConnectionAsync(ct);
        }
        foreach (var chunk in keys.Chunk(100))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            var sql = new StringBuilder("SELECT level, idx, hash FROM log_nodes WHERE ");
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? "" : " OR ").Append("(level = @l").Append(i).Append(" AND idx = @x").Append(i).Append(')');
                var level = command.CreateParameter();
                level.ParameterName = $"@l{i}";
                level.Value = chunk[i].Level;
                command.Parameters.Add(level);
                var index = command.CreateParameter();
                index.ParameterName = $"@x{i}";
                index.Value = chunk[i].Index;
                command.Parameters.Add(index);
            }
            command.CommandText = sql.ToString();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                found[(reader.GetInt32(0), reader.GetInt64(1))] = Convert.FromBase64String(reader.GetString(2));
            }
        }
        return found;
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
        var found = await ReadNodesAsync(db, wanted, ct);
        return proof((level, index) => found.TryGetValue((level, index), out var hash)
            ? hash
            : throw new InvalidOperationException($"The log has no stored subtree at level {level}, index {index}: it has been damaged."));
    }

    /// <summary>The second the record was published: the body says it to the second, and the row keeps the same.</summary>
    private static DateTime AtSecond(DateTime at) => new(at.Ticks - (at.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
}
