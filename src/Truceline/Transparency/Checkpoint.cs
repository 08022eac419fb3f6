using System.Globalization;
using System.Text;
using Truceline.Common;

namespace Truceline.Transparency;

/// <summary>A checkpoint whose log signature and witness cosignatures have been checked.</summary>
public sealed record WitnessedCheckpoint(Checkpoint Checkpoint, SignedNote Note, IReadOnlyList<VerifiedSignature> Cosignatures);

/// <summary>
/// A transparency log checkpoint (https://c2sp.org/tlog-checkpoint): the text of a signed note whose lines are the
/// log's origin, the tree size in decimal, the base64 RFC 9162 root hash, then optional extension lines. The log signs
/// it with an Ed25519 note key; witnesses add cosignature/v1 lines (https://c2sp.org/tlog-cosignature) after checking
/// that it is consistent with every checkpoint of that log they saw before.
/// </summary>
public sealed class Checkpoint
{
    private readonly byte[] _rootHash;

    public Checkpoint(string origin, long size, ReadOnlySpan<byte> rootHash, IReadOnlyList<string>? extensions = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (rootHash.Length != MerkleTree.HashSize)
        {
            throw new ArgumentException($"A root hash has {MerkleTree.HashSize} bytes.", nameof(rootHash));
        }
        foreach (var line in (IEnumerable<string>)[origin, .. extensions ?? []])
        {
            if (LineProblem(line) is { } problem)
            {
                throw new ArgumentException($"A checkpoint line {problem}.");
            }
        }
        Origin = origin;
        Size = size;
        _rootHash = rootHash.ToArray();
        Extensions = [.. extensions ?? []];
    }

    public string Origin { get; }

    public long Size { get; }

    public ReadOnlySpan<byte> RootHash => _rootHash;

    public IReadOnlyList<string> Extensions { get; }

    /// <summary>The note text: one line each for origin, size and root hash, then the extension lines.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Origin).Append('\n')
            .Append(Size.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append(Convert.ToBase64String(_rootHash)).Append('\n');
        foreach (var line in Extensions)
        {
            text.Append(line).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Reads a checkpoint text strictly: a size with no sign, spaces or leading zeros, and canonical base64 of
    /// exactly 32 bytes.</summary>
    public static Outcome<Checkpoint> Parse(string text)
    {
        if (!text.EndsWith('\n'))
        {
            return Failure.Invalid("checkpoint", "must end with a newline");
        }
        var lines = text[..^1].Split('\n');
        if (lines.Length < 3)
        {
            return Failure.Invalid("checkpoint", "needs an origin, a tree size and a root hash, one per line");
        }
        for (var i = 0; i < lines.Length; i++)
        {
            if (LineProblem(lines[i]) is { } problem)
            {
                return Failure.Invalid("checkpoint", $"line {i + 1} {problem}");
            }
        }
        var size = lines[1];
        if (size.Length > 19 || !size.All(char.IsAsciiDigit) || (size.Length > 1 && size[0] == '0')
            || !long.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out var treeSize))
        {
            return Failure.Invalid("checkpoint", "line 2: the tree size must be a decimal number without leading zeros, below 2^63");
        }
        if (!NoteKeys.TryDecodeBase64(lines[2], out var root) || root.Length != MerkleTree.HashSize)
        {
            return Failure.Invalid("checkpoint", $"line 3: the root hash must be canonical base64 of {MerkleTree.HashSize} bytes");
        }
        return new Checkpoint(lines[0], treeSize, root, lines[3..]);
    }

    /// <summary>
    /// Opens a checkpoint as a client should: the note must carry a valid signature by <paramref name="log"/> and valid
    /// cosignatures by at least <paramref name="quorum"/> of <paramref name="witnesses"/>; a known key's signature that
    /// fails is a refusal, unknown signers are ignored. The text is read only once its signatures hold.
    /// </summary>
    public static Outcome<WitnessedCheckpoint> Open(ReadOnlySpan<byte> note, NoteVerifierKey log, IReadOnlyCollection<NoteVerifierKey> witnesses, int quorum)
    {
        var parsed = SignedNote.Parse(note);
        if (parsed.Failure is { } unreadable)
        {
            return unreadable;
        }
        var signed = parsed.Value!;
        var verified = signed.Verify([log, .. witnesses]);
        if (verified.Failure is { } refused)
        {
            return refused;
        }
        if (!verified.Value!.Any(v => v.Key == log))
        {
            return Failure.Invalid("checkpoint", $"not signed by the log key {log.Name}+{log.KeyId:x8}");
        }
        var cosignatures = verified.Value!.Where(v => v.Key != log && witnesses.Contains(v.Key)).ToList();
        if (cosignatures.Count < quorum)
        {
            return Failure.Invalid("checkpoint", $"cosigned by {cosignatures.Count} of the {witnesses.Count} known witnesses; {quorum} needed");
        }
        var checkpoint = Parse(signed.Text);
        if (checkpoint.Failure is { } malformed)
        {
            return malformed;
        }
        return new WitnessedCheckpoint(checkpoint.Value!, signed, cosignatures);
    }

    // Lines are non-empty and hold no newline or other control character (the note format forbids them anyway).
    private static string? LineProblem(string line) =>
        line.Length == 0 ? "is empty" : line.Any(char.IsControl) ? "contains a control character" : null;
}
