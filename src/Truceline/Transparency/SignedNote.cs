using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Truceline.Common;

namespace Truceline.Transparency;

/// <summary>One signature line of a note: <c>— name base64(keyID || signature)</c>.</summary>
public sealed class NoteSignature
{
    private readonly byte[] _signature;

    internal NoteSignature(string name, uint keyId, byte[] signature)
    {
        Name = name;
        KeyId = keyId;
        _signature = signature;
    }

    public string Name { get; }

    public uint KeyId { get; }

    /// <summary>The bytes after the key ID: an Ed25519 signature, or a cosignature's time and signature.</summary>
    public ReadOnlySpan<byte> Signature => _signature;

    /// <summary>Reads one signature line without its newline, such as a witness sends back.</summary>
    public static Outcome<NoteSignature> Parse(string line) =>
        SignedNote.ParseLine(line) is { } signature ? signature : Failure.Invalid("signature", SignedNote.LineForm);

    /// <summary>The line as it stands in a note, without its newline.</summary>
    public override string ToString()
    {
        var bytes = new byte[4 + _signature.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, KeyId);
        _signature.CopyTo(bytes, 4);
        return $"{SignedNote.SignaturePrefix}{Name} {Convert.ToBase64String(bytes)}";
    }
}

/// <summary>A signature that a known key vouches for; a cosignature also gives the Unix time its witness signed at.</summary>
public sealed record VerifiedSignature(NoteVerifierKey Key, long? CosignedAt);

/// <summary>
/// A signed note (https://c2sp.org/signed-note): a text ending in a newline, a blank line, then one or more signature
/// lines. Notes come from other parties, so <see cref="Parse"/> is strict and bounded: at most 1 MiB and 100
/// signatures, well-formed UTF-8, no control characters but newlines, canonical base64; every refusal is a
/// <see cref="Failure"/> naming the line, never an exception.
/// </summary>
public sealed class SignedNote
{
    public const int MaxBytes = 1 << 20;
    public const int MaxSignatures = 100;
    internal const string SignaturePrefix = "— ";
    internal const string LineForm = "a signature line reads \"— <key name> <base64 of key ID and signature>\"";

    private SignedNote(string text, IReadOnlyList<NoteSignature> signatures)
    {
        Text = text;
        Signatures = signatures;
    }

    /// <summary>The signed text, final newline included; the blank line before the signatures is not part of it.</summary>
    public string Text { get; }

    public IReadOnlyList<NoteSignature> Signatures { get; }

    public static SignedNote Sign(string text, NoteSigner signer)
    {
        if (TextProblem(text) is { } problem)
        {
            throw new ArgumentException($"A note text {problem}.", nameof(text));
        }
        return new SignedNote(text, []).AddSignature(signer);
    }

    /// <summary>The note with the signer's signature over its text added, in place of an earlier one by the same key.</summary>
    public SignedNote AddSignature(NoteSigner signer) =>
        AddSignature(new NoteSignature(signer.Name, signer.KeyId, signer.Sign(Encoding.UTF8.GetBytes(Text))));

    /// <summary>The note with a signature made elsewhere (a witness's cosignature) added, in place of an earlier one by
    /// the same key. Nothing is verified here: <see cref="Verify"/> does that.</summary>
    public SignedNote AddSignature(NoteSignature signature)
    {
        List<NoteSignature> signatures = [.. Signatures.Where(s => s.Name != signature.Name || s.KeyId != signature.KeyId), signature];
        if (signatures.Count > MaxSignatures)
        {
            throw new InvalidOperationException($"A note carries at most {MaxSignatures} signatures.");
        }
        return new SignedNote(Text, signatures);
    }

    public override string ToString() => $"{Text}\n{string.Concat(Signatures.Select(s => s + "\n"))}";

    public byte[] ToBytes() => Encoding.UTF8.GetBytes(ToString());

    public static Outcome<SignedNote> Parse(ReadOnlySpan<byte> note)
    {
        if (note.Length > MaxBytes)
        {
            return Failure.Invalid("note", $"must be at most {MaxBytes / 1024} KiB");
        }
        var line = 1;
        for (var offset = 0; offset < note.Length;)
        {
            if (Rune.DecodeFromUtf8(note[offset..], out var rune, out var used) != OperationStatus.Done)
            {
                return Failure.Invalid("note", $"line {line}: not valid UTF-8 (byte {offset})");
            }
            if (rune.Value < 0x20 && rune.Value != '\n')
            {
                return Failure.Invalid("note", $"line {line}: control character U+{rune.Value:X4}");
            }
            line += rune.Value == '\n' ? 1 : 0;
            offset += used;
        }
        var split = note.LastIndexOf("\n\n"u8);
        if (split < 0)
        {
            return Failure.Invalid("note", "no blank line separates the text from its signatures");
        }
        var block = note[(split + 2)..];
        if (block.IsEmpty || block[^1] != '\n')
        {
            return Failure.Invalid("note", block.IsEmpty ? "no signature follows the blank line" : "the last signature line has no final newline");
        }
        var text = Encoding.UTF8.GetString(note[..(split + 1)]);
        line = text.Count(c => c == '\n') + 1;
        var signatures = new List<NoteSignature>();
        foreach (var range in Encoding.UTF8.GetString(block[..^1]).Split('\n'))
        {
            line++;
            if (signatures.Count == MaxSignatures)
            {
                return Failure.Invalid("note", $"more than {MaxSignatures} signatures");
            }
            if (ParseLine(range) is not { } signature)
            {
                return Failure.Invalid("note", $"line {line}: {LineForm}");
            }
            signatures.Add(signature);
        }
        return new SignedNote(text, signatures);
    }

    /// <summary>
    /// Checks every signature made by a known key; signatures by other keys are ignored. Any known key's signature that
    /// does not verify fails the whole note, and so does a note that no known key signed. The result lists each known
    /// key that signed, once.
    /// </summary>
    public Outcome<IReadOnlyList<VerifiedSignature>> Verify(IEnumerable<NoteVerifierKey> known)
    {
        var keys = new Dictionary<(string, uint), NoteVerifierKey>();
        foreach (var key in known)
        {
            if (keys.TryGetValue((key.Name, key.KeyId), out var other) && other.ToString() != key.ToString())
            {
                return Failure.Invalid("keys", $"two known keys share the name and key ID {key.Name}+{key.KeyId:x8}");
            }
            keys[(key.Name, key.KeyId)] = key;
        }
        var text = Encoding.UTF8.GetBytes(Text);
        var verified = new List<VerifiedSignature>();
        var checkedLines = new HashSet<string>();
        foreach (var signature in Signatures)
        {
            if (!keys.TryGetValue((signature.Name, signature.KeyId), out var key) || !checkedLines.Add(signature.ToString()))
            {
                continue;
            }
            if (!key.Verify(text, signature.Signature, out var cosignedAt))
            {
                return Failure.Invalid("note", $"the signature by {signature.Name}+{signature.KeyId:x8} does not verify");
            }
            if (!verified.Any(v => v.Key == key))
            {
                verified.Add(new VerifiedSignature(key, cosignedAt));
            }
        }
        if (verified.Count == 0)
        {
            return Failure.Invalid("note", "signed by none of the known keys");
        }
        return new Outcome<IReadOnlyList<VerifiedSignature>>(verified, null);
    }

    internal static NoteSignature? ParseLine(string line)
    {
        if (!line.StartsWith(SignaturePrefix, StringComparison.Ordinal))
        {
            return null;
        }
        var rest = line.AsSpan(SignaturePrefix.Length);
        var space = rest.IndexOf(' ');
        if (space < 0)
        {
            return null;
        }
        var name = rest[..space].ToString();
        if (NoteKeys.NameProblem(name) is not null || !NoteKeys.TryDecodeBase64(rest[(space + 1)..], out var bytes) || bytes.Length < 5)
        {
            return null;
        }
        return new NoteSignature(name, BinaryPrimitives.ReadUInt32BigEndian(bytes), bytes[4..]);
    }

    private static string? TextProblem(string text)
    {
        if (!text.EndsWith('\n'))
        {
            return "must end with a newline";
        }
        if (text.Any(c => c < 0x20 && c != '\n'))
        {
            return "must not contain control characters other than newlines";
        }
        try
        {
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetByteCount(text) > MaxBytes / 2 ? "is too long" : null;
        }
        catch (EncoderFallbackException)
        {
            return "is not well-formed Unicode";
        }
    }
}
