using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Truceline.Transparency;

namespace Truceline.Web.Transparency;

/// <summary>
/// A witness's one round against a log over HTTP: read the latest checkpoint, check the log's signature, check the new
/// tree extends the one this witness last cosigned (a consistency proof), and only then cosign it and hand the
/// cosignature to the log. A log that rewrote its history gets no cosignature, and the refusal says why.
/// </summary>
public sealed class WitnessClient(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary><paramref name="Note"/> is the checkpoint cosigned, to keep as the witness's state for next time.</summary>
    public sealed record Result(bool Cosigned, string Message, string? Note);

    /// <param name="remember">Keeps the checkpoint about to be cosigned as the witness's state; called before the
    /// cosignature is sent, so whatever the log answers, the witness never cosigns a history that does not extend it.</param>
    public async Task<Result> RunAsync(NoteVerifierKey logKey, NoteSigner witness, string? lastCosigned, Func<string, Task> remember, CancellationToken ct)
    {
        var bytes = await http.GetByteArrayAsync("/api/v1/log/checkpoint", ct);
        var opened = Checkpoint.Open(bytes, logKey, [], 0);
        if (!opened.Succeeded)
        {
            return new(false, $"REFUSED: the checkpoint is not signed by the log key {logKey.Name}+{logKey.KeyId:x8}: {opened.Failure!.Detail}", null);
        }
        var current = opened.Value!.Checkpoint;
        if (lastCosigned is not null)
        {
            var previous = Checkpoint.Open(Encoding.UTF8.GetBytes(lastCosigned), logKey, [], 0);
            if (!previous.Succeeded)
            {
                return new(false, $"REFUSED: the checkpoint this witness last cosigned does not verify against the log key: {previous.Failure!.Detail}", null);
            }
            var old = previous.Value!.Checkpoint;
            if (old.Origin != current.Origin)
            {
                return new(false, $"REFUSED: this witness last cosigned a checkpoint of another log ({old.Origin})", null);
            }
            if (old.Size > current.Size)
            {
                return new(false, $"REFUSED: the log shrank from {old.Size} to {current.Size} entries since this witness last cosigned it", null);
            }
            bool consistent;
            if (old.Size == current.Size)
            {
                consistent = old.RootHash.SequenceEqual(current.RootHash);
            }
            else
            {
                using var response = await http.GetAsync($"/api/v1/log/proof/consistency?from={old.Size}&to={current.Size}", ct);
                var proof = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<ConsistencyView>(Json, ct) : null;
                consistent = proof is not null
                    && MerkleTree.VerifyConsistency(old.Size, current.Size, proof.Path.Select(Convert.FromBase64String).ToList(), old.RootHash, current.RootHash);
            }
            if (!consistent)
            {
                return new(false, $"REFUSED: the checkpoint of size {current.Size} is not consistent with the checkpoint of size {old.Size} this witness last cosigned: the log's history was rewritten", null);
            }
        }
        await remember(Encoding.UTF8.GetString(bytes));
        var note = SignedNote.Parse(bytes).Value!.AddSignature(witness);
        var signature = note.Signatures.Last(s => s.Name == witness.Name && s.KeyId == witness.KeyId);
        using var delivered = await http.PostAsJsonAsync("/api/v1/log/cosignatures", new { size = current.Size, signature = signature.ToString() }, ct);
        if (!delivered.IsSuccessStatusCode)
        {
            return new(false, $"The log did not accept the cosignature ({(int)delivered.StatusCode}): {await delivered.Content.ReadAsStringAsync(ct)}", null);
        }
        return new(true, $"Cosigned the checkpoint of size {current.Size}{(lastCosigned is null ? "" : ", consistent with the last one cosigned")}.", Encoding.UTF8.GetString(bytes));
    }
}
