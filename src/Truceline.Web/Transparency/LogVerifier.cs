using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Truceline.Transparency;

namespace Truceline.Web.Transparency;

/// <summary>
/// What 'truceline verify' checks against a log over HTTP or a bundle exported from it, trusting nothing but the log's
/// public key (ADR-012): the checkpoint's signature; every entry's body against its leaf hash; the root of all the
/// leaves against the signed root (and, from a log, which entry is out of place, by its inclusion proof); each
/// correction's link; every published record as served now (or as the bundle kept it) against its latest entry; and
/// consistency with a checkpoint the user saved earlier. Each problem names the entry and the record.
/// </summary>
public sealed class LogVerifier(ILogSource source)
{

    public sealed record Verdict(bool Intact, long Size, IReadOnlyList<string> Problems, IReadOnlyList<string> Notes, string? Checkpoint);

    /// <summary>Diagnosing a root that does not match asks for one proof per entry; past this many it stops.</summary>
    public const int MaxProofRequests = 10_000;

    public async Task<Verdict> RunAsync(NoteVerifierKey? trusted, string? savedCheckpoint, IReadOnlyCollection<NoteVerifierKey> witnesses, int quorum, CancellationToken ct)
    {
        var problems = new List<string>();
        var notes = new List<string>();
        var key = trusted;
        if (key is null)
        {
            var served = NoteVerifierKey.Parse(((await source.KeyAsync(ct)) ?? "").Trim());
            if (!served.Succeeded)
            {
                return Fail($"the log serves no usable key: {served.Failure!.Detail}");
            }
            key = served.Value!;
            notes.Add($"No --key given: trusting the key the log serves ({key}). Pass the key you hold to check it is the same.");
        }
        if (await source.CheckpointAsync(ct) is not { } noteBytes)
        {
            return Fail($"the {source.Describe} has no checkpoint");
        }
        var opened = Checkpoint.Open(noteBytes, key, witnesses, quorum);
        if (!opened.Succeeded)
        {
            return Fail($"the checkpoint does not verify against the key {key.Name}+{key.KeyId:x8}"
                + (witnesses.Count > 0 ? $" and {quorum} of the {witnesses.Count} witnesses given" : "") + $": {opened.Failure!.Detail}");
        }
        if (witnesses.Count > 0)
        {
            notes.Add($"Cosigned by {string.Join(", ", opened.Value!.Cosignatures.Select(c => c.Key.Name))}.");
        }
        var checkpoint = opened.Value!.Checkpoint;
        var size = checkpoint.Size;
        var note = Encoding.UTF8.GetString(noteBytes);

        // Every entry up to the signed size, its body hashed as published. What an entry is (kind, record, what it
        // corrects) is read from the hashed body; the fields served beside it must agree, and are never trusted alone.
        var leaves = new List<byte[]>();
        var entries = new List<Signed?>();
        for (long start = 0; start < size; start += LogApi.MaxEntries)
        {
            var end = Math.Min(start + LogApi.MaxEntries, size);
            var byIndex = new Dictionary<long, LogEntryView>();
            foreach (var e in await source.EntriesAsync(start, end, ct))
            {
                if (!byIndex.TryAdd(e.Index, e))
                {
                    problems.Add($"entry {e.Index} is served twice{(byIndex[e.Index] == e ? "" : ", with different contents")}");
                }
            }
            for (var i = start; i < end; i++)
            {
                if (!byIndex.TryGetValue(i, out var e))
                {
                    problems.Add($"entry {i} is missing: the log serves no leaf at that position, which the checkpoint of size {size} signed");
                    leaves.Add(new byte[32]);
                    entries.Add(null);
                    continue;
                }
                var leaf = MerkleTree.LeafHash(Encoding.UTF8.GetBytes(e.Body ?? ""));
                leaves.Add(leaf);
                var signed = Signed.Read(i, e.Body);
                entries.Add(signed);
                var name = signed is null ? $"entry {i}" : $"entry {i} ({signed.Kind} {signed.Record})";
                if (Convert.ToBase64String(leaf) != e.LeafHash)
                {
                    problems.Add($"{name} was altered: its body does not hash to its leaf hash");
                }
                else if (signed is null || !CanonicalJson.IsCanonical(e.Body!))
                {
                    problems.Add($"{name} is not a canonical JSON record, so no one else could reproduce its hash");
                }
                else if (signed.Kind != e.Kind || signed.Record != e.Record || signed.Corrects != e.Corrects)
                {
                    problems.Add($"{name} is served with a kind, record or correction its signed body does not say");
                }
            }
        }
        if (source.EntriesBeyond(size) is var beyond and > 0)
        {
            problems.Add($"the {source.Describe} holds {beyond} entries beyond the checkpoint's size of {size}, which nothing signed");
        }
        if (!MerkleTree.Root(leaves).AsSpan().SequenceEqual(checkpoint.RootHash))
        {
            problems.Add($"the entries do not make the signed root of size {size}");
            await NameMisplacedAsync(entries, leaves, checkpoint, problems, ct);
        }

        // Each record's leaves form a chain: the first corrects nothing, each later one corrects the one before it.
        foreach (var chain in entries.OfType<Signed>().GroupBy(e => (e.Kind, e.Record)))
        {
            long? previous = null;
            foreach (var e in chain.OrderBy(e => e.Index))
            {
                if (e.Corrects != previous)
                {
                    problems.Add(previous is null
                        ? $"entry {e.Index} ({e.Kind} {e.Record}) says it corrects entry {e.Corrects}, but it is the record's first entry"
                        : $"entry {e.Index} ({e.Kind} {e.Record}) should correct entry {previous}, the record's previous entry, but says {(e.Corrects is null ? "nothing" : $"entry {e.Corrects}")}");
                }
                previous = e.Index;
            }
        }

        // Every record as it is published now must be what its latest entry says; a change needs a correction in the log.
        foreach (var latest in entries.OfType<Signed>().GroupBy(e => (e.Kind, e.Record)).Select(g => g.MaxBy(e => e.Index)!))
        {
            var record = await source.RecordAsync(latest.Kind, latest.Record, ct);
            if (record is null)
            {
                problems.Add($"record {latest.Kind} {latest.Record} (entry {latest.Index}) is no longer published, and no entry says so");
                continue;
            }
            if (record?.LatestEntry >= size && !source.ServesProofs)
            {
                // A bundle holds only entries up to its checkpoint: a record said to be newer cannot be checked, so it fails.
                problems.Add($"record {latest.Kind} {latest.Record} in the bundle claims an entry ({record.LatestEntry}) beyond its checkpoint of size {size}");
                continue;
            }
            if (record?.LatestEntry >= size)
            {
                // Corrected after the checkpoint verified here: the next checkpoint will cover it.
                notes.Add($"record {latest.Kind} {latest.Record} has a correction newer than this checkpoint (entry {record.LatestEntry}); verify again after the next one.");
                continue;
            }
            if (record?.Content != latest.Content)
            {
                problems.Add($"record {latest.Kind} {latest.Record} as published {(source.ServesProofs ? "now" : "when the bundle was made")} differs from its latest entry {latest.Index}: it was changed without a correction");
            }
        }

        if (savedCheckpoint is not null)
        {
            await CheckConsistencyAsync(savedCheckpoint, key, checkpoint, leaves, problems, ct);
        }
        return new Verdict(problems.Count == 0, size, problems, notes, note);

        Verdict Fail(string problem) => new(false, 0, [problem], notes, null);
    }

    private async Task NameMisplacedAsync(List<Signed?> entries, List<byte[]> leaves, Checkpoint checkpoint, List<string> problems, CancellationToken ct)
    {
        if (!source.ServesProofs)
        {
            // A bundle holds the entries, not the log's tree: which one is out of place cannot be told from it alone.
            problems.Add("the bundle's entries are not the ones the checkpoint signed; verify against the log itself to name which");
            return;
        }
        var asked = 0;
        for (var i = 0; i < leaves.Count && asked < MaxProofRequests; i++, asked++)
        {
            var path = Hashes(await source.InclusionAsync(i, checkpoint.Size, ct));
            if (path is null || !MerkleTree.VerifyInclusion(i, checkpoint.Size, leaves[i], path, checkpoint.RootHash))
            {
                problems.Add($"entry {i}{(entries[i] is { } e ? $" ({e.Kind} {e.Record})" : "")} is not the leaf the checkpoint signed at that position: altered, reordered or replaced");
            }
        }
        if (asked == MaxProofRequests)
        {
            problems.Add($"stopped naming entries after {MaxProofRequests} proofs");
        }
    }

    private async Task CheckConsistencyAsync(string savedNote, NoteVerifierKey key, Checkpoint current, List<byte[]> leaves, List<string> problems, CancellationToken ct)
    {
        var saved = Checkpoint.Open(Encoding.UTF8.GetBytes(savedNote), key, [], 0);
        if (!saved.Succeeded)
        {
            problems.Add($"the saved checkpoint does not verify against the key: {saved.Failure!.Detail}");
            return;
        }
        var old = saved.Value!.Checkpoint;
        if (old.Origin != current.Origin)
        {
            problems.Add($"the saved checkpoint is of another log ({old.Origin})");
            return;
        }
        if (old.Size > current.Size)
        {
            problems.Add($"the log shrank: the saved checkpoint has {old.Size} entries, the current one {current.Size}");
            return;
        }
        // From a log, its consistency proof; from a bundle, which holds every leaf up to the current size (already checked
        // to make the signed root), the root of the first old.Size of them, which must be the root saved.
        var consistent = source.ServesProofs
            ? Hashes(await source.ConsistencyAsync(old.Size, current.Size, ct)) is { } path && MerkleTree.VerifyConsistency(old.Size, current.Size, path, old.RootHash, current.RootHash)
            : MerkleTree.Root(leaves.Take((int)old.Size).ToList()).AsSpan().SequenceEqual(old.RootHash);
        if (!consistent)
        {
            problems.Add($"the log was rewritten since the checkpoint you saved (size {old.Size}): the current tree does not extend it");
        }
    }

    /// <summary>A proof's hashes, or null if the log served something that is not one.</summary>
    private static List<byte[]>? Hashes(IReadOnlyList<string>? path)
    {
        if (path is null)
        {
            return null;
        }
        var hashes = new List<byte[]>(path.Count);
        foreach (var text in path)
        {
            var bytes = new byte[32];
            if (!Convert.TryFromBase64String(text ?? "", bytes, out var written) || written != 32)
            {
                return null;
            }
            hashes.Add(bytes);
        }
        return hashes;
    }

    /// <summary>An entry as its signed body describes it.</summary>
    private sealed record Signed(long Index, string Kind, string Record, long? Corrects, string Content)
    {
        public static Signed? Read(long index, string? body)
        {
            try
            {
                if (JsonNode.Parse(body ?? "") is not JsonObject o || o["kind"]?.GetValue<string>() is not { } kind || o["record"]?.GetValue<string>() is not { } record)
                {
                    return null;
                }
                return new Signed(index, kind, record, o["corrects"]?.GetValue<long>(), CanonicalJson.Serialize(o["content"]));
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException)
            {
                return null;
            }
        }
    }
}
