using Microsoft.EntityFrameworkCore;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Transparency;

/// <summary>
/// The log's witnesses: registering one (administrators), accepting a cosignature (anyone may deliver it; it counts only
/// if it verifies against a registered witness's key over the checkpoint it names), and the checkpoint as served,
/// with the cosignatures it has gathered.
/// </summary>
public static class Witnesses
{
    public static Task<Outcome<LogWitness>> AddAsync(TrucelineDb db, string? vkey, string? organisation, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync<LogWitness>(db, async () =>
        {
            var errors = new FieldErrors();
            var key = NoteVerifierKey.Parse(vkey?.Trim() ?? "");
            if (!key.Succeeded)
            {
                errors.Add("vkey", key.Failure!.Detail);
            }
            else if (key.Value!.Type != NoteKeyType.Cosignature)
            {
                errors.Add("vkey", "must be a cosignature/v1 key (type 0x04): a witness signs with a timestamp");
            }
            if (string.IsNullOrWhiteSpace(organisation) || organisation.Trim().Length > 200)
            {
                errors.Add("organisation", "is required: the organisation that holds the key (at most 200 characters)");
            }
            if (errors.Any)
            {
                return errors.ToFailure();
            }
            var text = key.Value!.ToString();
            if (await db.LogWitnesses.AnyAsync(w => w.VerifierKey == text, ct))
            {
                return Failure.Conflict("Witness known", $"The witness key {key.Value.Name}+{key.Value.KeyId:x8} is registered already.");
            }
            var witness = new LogWitness { VerifierKey = text, Name = key.Value.Name, Organisation = organisation!.Trim(), AddedAt = time.GetUtcNow().UtcDateTime };
            db.LogWitnesses.Add(witness);
            await db.SaveChangesAsync(ct);
            return witness;
        }, ct);

    public static async Task<IReadOnlyList<NoteVerifierKey>> KeysAsync(TrucelineDb db, CancellationToken ct) =>
        (await db.LogWitnesses.AsNoTracking().Select(w => w.VerifierKey).ToListAsync(ct)).Select(k => NoteVerifierKey.Parse(k).Value!).ToList();

    /// <summary>Accepts a cosignature. It is checked before the writer lock is taken (anyone may deliver one, so checking
    /// must not hold up the writers); only a verified one is written, once.</summary>
    public static async Task<Outcome<LogCosignature>> AcceptAsync(TrucelineDb db, long size, string? signatureLine, TimeProvider time, CancellationToken ct = default)
    {
        var parsed = NoteSignature.Parse((signatureLine ?? "").TrimEnd('\n', '\r'));
        if (!parsed.Succeeded)
        {
            return Failure.Invalid("signature", "is not a note signature line ('— name base64')");
        }
        var checkpoint = await db.LogCheckpoints.AsNoTracking().FirstOrDefaultAsync(c => c.Size == size, ct);
        if (checkpoint is null)
        {
            return Failure.NotFound($"No checkpoint was signed at size {size}.");
        }
        var signature = parsed.Value!;
        var key = (await KeysAsync(db, ct)).FirstOrDefault(k => k.Name == signature.Name && k.KeyId == signature.KeyId);
        if (key is null)
        {
            return Failure.Invalid("signature", $"{signature.Name}+{signature.KeyId:x8} is not a registered witness of this log");
        }
        var note = SignedNote.Parse(System.Text.Encoding.UTF8.GetBytes(checkpoint.Note)).Value!.AddSignature(signature);
        var verified = note.Verify([key]);
        if (!verified.Succeeded || !verified.Value!.Any(v => v.Key == key))
        {
            return Failure.Invalid("signature", $"does not verify as {signature.Name}'s cosignature of the checkpoint of size {size}");
        }
        var vkey = key.ToString();
        return await Writes.InTransactionAsync<LogCosignature>(db, async () =>
        {
            var existing = await db.LogCosignatures.AsNoTracking().FirstOrDefaultAsync(c => c.Size == size && c.VerifierKey == vkey, ct);
            if (existing is not null)
            {
                return existing;
            }
            var row = new LogCosignature { Size = size, VerifierKey = vkey, Signature = signature.ToString(), CosignedAt = time.GetUtcNow().UtcDateTime };
            db.LogCosignatures.Add(row);
            db.ChangedPublishedLog = true;
            await db.SaveChangesAsync(ct);
            return row;
        }, ct);
    }

    /// <summary>The checkpoint's signed note with every cosignature it has gathered, as clients read it.</summary>
    public static async Task<string> NoteAsync(TrucelineDb db, LogCheckpoint checkpoint, CancellationToken ct)
    {
        var note = SignedNote.Parse(System.Text.Encoding.UTF8.GetBytes(checkpoint.Note)).Value!;
        foreach (var line in await db.LogCosignatures.AsNoTracking().Where(c => c.Size == checkpoint.Size).OrderBy(c => c.CosignedAt).Select(c => c.Signature).ToListAsync(ct))
        {
            note = note.AddSignature(NoteSignature.Parse(line).Value!);
        }
        return note.ToString();
    }
}
