using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Truceline.Common;

namespace Truceline.Transparency;

/// <summary>The signature types of https://c2sp.org/signed-note that Truceline signs and verifies.</summary>
public enum NoteKeyType : byte
{
    /// <summary>Ed25519 over the note text: a log's own signature on its checkpoints.</summary>
    Ed25519 = 0x01,

    /// <summary>A timestamped Ed25519 witness cosignature, https://c2sp.org/tlog-cosignature (cosignature/v1).</summary>
    Cosignature = 0x04,
}

/// <summary>
/// A public key that notes are checked against, in the vkey form <c>name+keyid+base64(type || key)</c>. The key ID is
/// the first four bytes of SHA-256(name || 0x0A || type || key), so a signature line names the key it needs.
/// </summary>
public sealed class NoteVerifierKey
{
    private const int CosignatureTimeSize = 8;
    private readonly byte[] _publicKey;

    private NoteVerifierKey(string name, NoteKeyType type, byte[] publicKey)
    {
        Name = name;
        Type = type;
        _publicKey = publicKey;
        KeyId = NoteKeys.KeyId(name, type, publicKey);
    }

    public string Name { get; }

    public uint KeyId { get; }

    public NoteKeyType Type { get; }

    public ReadOnlySpan<byte> PublicKey => _publicKey;

    public static NoteVerifierKey Create(string name, NoteKeyType type, ReadOnlySpan<byte> publicKey)
    {
        if (NoteKeys.NameProblem(name) is { } problem)
        {
            throw new ArgumentException($"Key name {problem}.", nameof(name));
        }
        if (!Enum.IsDefined(type) || !EdwardsPoint.TryDecode(publicKey, out _))
        {
            throw new ArgumentException("Not an Ed25519 public key of a known note key type.", nameof(publicKey));
        }
        return new(name, type, publicKey.ToArray());
    }

    /// <summary>Reads a vkey strictly: canonical base64, lowercase hex, a key ID that matches, a valid Ed25519 point.</summary>
    public static Outcome<NoteVerifierKey> Parse(string vkey)
    {
        var parts = vkey.Split('+', 3);
        if (parts.Length != 3)
        {
            return Failure.Invalid("vkey", "must read <name>+<key ID>+<base64 key>");
        }
        if (NoteKeys.NameProblem(parts[0]) is { } problem)
        {
            return Failure.Invalid("vkey", $"the name {problem}");
        }
        if (!NoteKeys.TryParseKeyId(parts[1], out var keyId))
        {
            return Failure.Invalid("vkey", "the key ID must be 8 lowercase hexadecimal digits");
        }
        if (!NoteKeys.TryDecodeBase64(parts[2], out var key) || key.Length == 0)
        {
            return Failure.Invalid("vkey", "the key is not canonical base64");
        }
        var type = (NoteKeyType)key[0];
        if (!Enum.IsDefined(type))
        {
            return Failure.Invalid("vkey", $"unknown key type 0x{key[0]:x2} (Ed25519 is 0x01, a cosignature/v1 witness key 0x04)");
        }
        if (key.Length != 1 + Ed25519.PublicKeySize || !EdwardsPoint.TryDecode(key.AsSpan(1), out _))
        {
            return Failure.Invalid("vkey", "the key is not an Ed25519 public key");
        }
        var parsed = new NoteVerifierKey(parts[0], type, key[1..]);
        if (parsed.KeyId != keyId)
        {
            return Failure.Invalid("vkey", $"the key ID {parts[1]} does not match the name and key (it should be {parsed.KeyId:x8})");
        }
        return parsed;
    }

    public override string ToString() => $"{Name}+{KeyId:x8}+{Convert.ToBase64String([(byte)Type, .. _publicKey])}";

    /// <summary>Checks the bytes that follow the key ID on a signature line. A cosignature carries its time: 8 bytes,
    /// big-endian Unix seconds, then the signature of "cosignature/v1\ntime &lt;t&gt;\n" and the text.</summary>
    internal bool Verify(ReadOnlySpan<byte> text, ReadOnlySpan<byte> signature, out long? cosignedAt)
    {
        cosignedAt = null;
        switch (Type)
        {
            case NoteKeyType.Ed25519:
                return Ed25519.Verify(_publicKey, text, signature);
            case NoteKeyType.Cosignature:
                if (signature.Length != CosignatureTimeSize + Ed25519.SignatureSize)
                {
                    return false;
                }
                var time = BinaryPrimitives.ReadUInt64BigEndian(signature);
                if (time > long.MaxValue || !Ed25519.Verify(_publicKey, NoteKeys.CosignedMessage((long)time, text), signature[CosignatureTimeSize..]))
                {
                    return false;
                }
                cosignedAt = (long)time;
                return true;
        }
        return false;
    }
}

/// <summary>
/// A private key that signs notes. It prints as its public vkey, never as the secret; <see cref="ToSignerKey"/> gives
/// the <c>PRIVATE+KEY+name+keyid+base64(type || seed)</c> form to store. A cosignature signer reads the time it
/// vouches for from its clock.
/// </summary>
public sealed class NoteSigner
{
    private readonly byte[] _seed;
    private readonly TimeProvider _clock;

    private NoteSigner(string name, NoteKeyType type, ReadOnlySpan<byte> seed, TimeProvider clock)
    {
        _seed = seed.ToArray();
        _clock = clock;
        Verifier = NoteVerifierKey.Create(name, type, Ed25519.PublicKeyFromSeed(seed));
    }

    public NoteVerifierKey Verifier { get; }

    public string Name => Verifier.Name;

    public uint KeyId => Verifier.KeyId;

    public NoteKeyType Type => Verifier.Type;

    public static NoteSigner Generate(string name, NoteKeyType type, TimeProvider clock) => Create(name, type, Ed25519.NewSeed(), clock);

    public static NoteSigner Create(string name, NoteKeyType type, ReadOnlySpan<byte> seed, TimeProvider clock)
    {
        if (seed.Length != Ed25519.SeedSize)
        {
            throw new ArgumentException($"An Ed25519 seed has {Ed25519.SeedSize} bytes.", nameof(seed));
        }
        return new(name, type, seed, clock);
    }

    public static Outcome<NoteSigner> Parse(string skey, TimeProvider clock)
    {
        var parts = skey.Split('+', 5);
        if (parts.Length != 5 || parts[0] != "PRIVATE" || parts[1] != "KEY")
        {
            return Failure.Invalid("skey", "must read PRIVATE+KEY+<name>+<key ID>+<base64 key>");
        }
        if (NoteKeys.NameProblem(parts[2]) is { } problem)
        {
            return Failure.Invalid("skey", $"the name {problem}");
        }
        if (!NoteKeys.TryParseKeyId(parts[3], out var keyId))
        {
            return Failure.Invalid("skey", "the key ID must be 8 lowercase hexadecimal digits");
        }
        if (!NoteKeys.TryDecodeBase64(parts[4], out var key) || key.Length != 1 + Ed25519.SeedSize || !Enum.IsDefined((NoteKeyType)key[0]))
        {
            return Failure.Invalid("skey", "the key must be canonical base64 of a key type (0x01 or 0x04) and a 32-byte Ed25519 seed");
        }
        var signer = new NoteSigner(parts[2], (NoteKeyType)key[0], key.AsSpan(1), clock);
        CryptographicOperations.ZeroMemory(key);
        if (signer.KeyId != keyId)
        {
            return Failure.Invalid("skey", "the key ID does not match the name and the key's public half");
        }
        return signer;
    }

    public string ToSignerKey() => $"PRIVATE+KEY+{Name}+{KeyId:x8}+{Convert.ToBase64String([(byte)Type, .. _seed])}";

    public override string ToString() => Verifier.ToString();

    /// <summary>The bytes that follow the key ID on this signer's signature line over <paramref name="text"/>.</summary>
    internal byte[] Sign(ReadOnlySpan<byte> text)
    {
        switch (Type)
        {
            case NoteKeyType.Ed25519:
                return Ed25519.Sign(_seed, text);
            case NoteKeyType.Cosignature:
                var time = _clock.GetUtcNow().ToUnixTimeSeconds();
                var signature = new byte[8 + Ed25519.SignatureSize];
                BinaryPrimitives.WriteInt64BigEndian(signature, time);
                Ed25519.Sign(_seed, NoteKeys.CosignedMessage(time, text)).CopyTo(signature, 8);
                return signature;
        }
        throw new InvalidOperationException($"Key type {Type} cannot sign.");
    }
}

internal static class NoteKeys
{
    public static uint KeyId(string name, NoteKeyType type, ReadOnlySpan<byte> publicKey)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(name));
        sha.AppendData([(byte)'\n', (byte)type]);
        sha.AppendData(publicKey);
        return BinaryPrimitives.ReadUInt32BigEndian(sha.GetHashAndReset());
    }

    public static byte[] CosignedMessage(long time, ReadOnlySpan<byte> text) =>
        [.. Encoding.ASCII.GetBytes($"cosignature/v1\ntime {time.ToString(CultureInfo.InvariantCulture)}\n"), .. text];

    /// <summary>Why a key name is not allowed, or null: it must be non-empty well-formed Unicode with no spaces, no
    /// plus signs and no control characters.</summary>
    public static string? NameProblem(string name)
    {
        if (name.Length == 0)
        {
            return "is empty";
        }
        for (var i = 0; i < name.Length;)
        {
            if (Rune.DecodeFromUtf16(name.AsSpan(i), out var rune, out var used) != System.Buffers.OperationStatus.Done)
            {
                return "is not well-formed Unicode";
            }
            if (Rune.IsWhiteSpace(rune) || Rune.IsControl(rune) || rune.Value == '+')
            {
                return "must not contain spaces, plus signs or control characters";
            }
            i += used;
        }
        return null;
    }

    public static bool TryParseKeyId(string hex, out uint keyId)
    {
        keyId = 0;
        return hex.Length == 8 && hex.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f')
            && uint.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out keyId);
    }

    /// <summary>Standard base64 (RFC 4648 §4) that re-encodes to itself: no whitespace, padding present, unused bits zero.</summary>
    public static bool TryDecodeBase64(ReadOnlySpan<char> text, out byte[] bytes)
    {
        bytes = [];
        var buffer = new byte[text.Length / 4 * 3 + 3];
        if (!Convert.TryFromBase64Chars(text, buffer, out var written))
        {
            return false;
        }
        var candidate = buffer[..written];
        if (!Convert.ToBase64String(candidate).AsSpan().SequenceEqual(text))
        {
            return false;
        }
        bytes = candidate;
        return true;
    }
}
