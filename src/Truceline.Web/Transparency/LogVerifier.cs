using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Truceline.Transparency;

namespace Truceline.Web.Transparency;

/// <summary>
/// What 'truceline verify' checks against a log over HTTP, trusting nothing but the log's public key (ADR-012):
/// the checkpoint's signature; every entry's body against its leaf hash; the root of all the leaves against the
/// signed root (and, if not, which entry is out of place, by its inclusion proof); each correction's link; every
/// published record as the log's API serves it now against its latest entry; and consistency with a checkpoint the
/// user saved earlier. Each problem names the entry and the record.
/// </summary>
public sealed class LogVerifier(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

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
            var served = NoteVerifierKey.Parse((await http.GetStringAsync("/api/v1/log/key", ct)).Trim());
            if (!served.Succeeded)
            {
                return Fail($"the log serves no usable key: {served.Failure!.Detail}");
            }
            key = served.Value!;
            notes.Add($"No --key given: trusting the key the log serves ({key}). Pass the key you hold to check it is the same.");
        }
        using var response = await http.GetAsync("/api/v1/log/checkpoint", ct);
        if (!response.IsSuccessStatusCode)
        {
            return Fail($"the log has no checkpoint ({(int)response.StatusCode})");
        }
        var noteBytes = await response.Content.ReadAsByteArrayAsync(ct);
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

        // Every entry up to the signed size, its body hashed as published.
        var leaves = new List<byte[]>();
        var entries = new List<LogEntryView>();
        for (long start = 0; start < size; start += LogApi.MaxEntries)
        {
            var end = Math.Min(start + LogApi.MaxEntries, size);
            var page = await http.GetFromJsonAsync<LogEntriesView>($"/api/v1/log/entries?start={start}&end={end}", Json, ct);
            var byIndex = page!.Entries.ToDictionary(e => e.Index);
            for (var i = start; i < end; i++)
            {
                if (!byIndex.TryGetValue(i, out var e))
                {
                    problems.Add($"entry {i} is missing: the log serves no leaf at that position, which the checkpoint of size {size} signed");
                    leaves.Add(new byte[32]);
                    entries.Add(new LogEntryView(i, "?", "?", null, default, "", ""));
                    continue;
                }
                var leaf = MerkleTree.LeafHash(Encoding.UTF8.GetBytes(e.Body));
                if (Convert.ToBase64String(leaf) != e.LeafHash)
                {
                    problems.Add($"entry {i} ({e.Kind} {e.Record}) was altered: its body does not hash to its leaf hash");
                }
                else if (!CanonicalJson.IsCanonical(e.Body))
                {
                    problems.Add($"entry {i} ({e.Kind} {e.Record}) is not canonical JSON, so no one else could reproduce its hash");
                }
                leaves.Add(leaf);
                entries.Add(e);
            }
        }
        if (!MerkleTree.Root(leaves).AsSpan().SequenceEqual(checkpoint.RootHash))
        {
            problems.Add($"the entries do not make the signed root of size {size}");
            await NameMisplacedAsync(entries, leaves, checkpoint, problems, ct);
        }

        // A correction names an earlier leaf of the same record.
        foreach (var e in entries.Where(e => e.Corrects is not null))
        {
            if (e.Corrects >= e.Index || entries.ElementAtOrDefault((int)e.Corrects!.Value) is not { } corrected || corrected.Kind != e.Kind || corrected.Record != e.Record)
            {
                problems.Add($"entry {e.Index} ({e.Kind} {e.Record}) says it corrects entry {e.Corrects}, which is not an earlier entry of the same record");
            }
        }

        // Every record as it is published now must be what its latest entry says; a change needs a correction in the log.
        foreach (var latest in entries.Where(e => e.Kind != "?").GroupBy(e => (e.Kind, e.Record)).Select(g => g.MaxBy(e => e.Index)!))
        {
            using var current = await http.GetAsync($"/api/v1/log/records/{Uri.EscapeDataString(latest.Kind)}/{Uri.EscapeDataString(latest.Record)}", ct);
            if (current.StatusCode == HttpStatusCode.NotFound)
            {
                problems.Add($"record {latest.Kind} {latest.Record} (entry {latest.Index}) is no longer published, and no entry says so");
                continue;
            }
            var record = await current.Content.ReadFromJsonAsync<PublishedRecordView>(Json, ct);
            var leafContent = CanonicalJson.Serialize(JsonNode.Parse(latest.Body)?["content"]);
            if (record!.Content != leafContent)
            {
                problems.Add($"record {latest.Kind} {latest.Record} as published now differs from its latest entry {latest.Index}: it was changed without a correction");
            }
        }

        if (savedCheckpoint is not null)
        {
            await CheckConsistencyAsync(savedCheckpoint, key, checkpoint, problems, ct);
        }
        return new Verdict(problems.Count == 0, size, problems, notes, note);

        Verdict Fail(string problem) => new(false, 0, [problem], notes, null);
    }

    private async Task NameMisplacedAsync(List<LogEntryView> entries, List<byte[]> leaves, Checkpoint checkpoint, List<string> problems, CancellationToken ct)
    {
        var asked = 0;
        for (var i = 0; i < leaves.Count && asked < MaxProofRequests; i++, asked++)
        {
            using var response = await http.GetAsync($"/api/v1/log/proof/inclusion?index={i}&size={checkpoint.Size}", ct);
            var proof = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<InclusionView>(Json, ct) : null;
            var path = proof?.Path.Select(Convert.FromBase64String).ToList();
            if (path is null || !MerkleTree.VerifyInclusion(i, checkpoint.Size, leaves[i], path, checkpoint.RootHash))
            {
                problems.Add($"entry {i} ({entries[i].Kind} {entries[i].Record}) is not the leaf the checkpoint signed at that position: altered, reordered or replaced");
            }
        }
        if (asked == MaxProofRequests)
        {
            problems.Add($"stopped naming entries after {MaxProofRequests} proofs");
        }
    }

    private async Task CheckConsistencyAsync(string savedNote, NoteVerifierKey key, Checkpoint current, List<string> problems, CancellationToken ct)
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
        using var response = await http.GetAsync($"/api/v1/log/proof/consistency?from={old.Size}&to={current.Size}", ct);
        var proof = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<ConsistencyView>(Json, ct) : null;
        var path = proof?.Path.Select(Convert.FromBase64String).ToList();
        if (path is null || !MerkleTree.VerifyConsistency(old.Size, current.Size, path, old.RootHash, current.RootHash))
        {
            problems.Add($"the log was rewritten since the checkpoint you saved (size {old.Size}): the current tree does not extend it");
        }
    }
}
