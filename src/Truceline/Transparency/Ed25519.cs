using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Truceline.Transparency;

/// <summary>
/// Ed25519 (RFC 8032 §5.1) in C#: the NuGet copy served here has no NSec, libsodium or BouncyCastle, and .NET has no
/// Ed25519 of its own. Signing runs in constant time with respect to the seed and the nonce; verification is strict:
/// the public key and R must be canonical encodings, S must be below the group order L, and [S]B - [k]A must encode to
/// exactly R (the cofactorless check, as Go's crypto/ed25519 and libsodium make it).
/// </summary>
public static class Ed25519
{
    public const int SeedSize = 32;
    public const int PublicKeySize = 32;
    public const int SignatureSize = 64;

    /// <summary>A new random seed, the whole of a private key.</summary>
    public static byte[] NewSeed() => RandomNumberGenerator.GetBytes(SeedSize);

    public static byte[] PublicKeyFromSeed(ReadOnlySpan<byte> seed)
    {
        Span<byte> expanded = stackalloc byte[64];
        Expand(seed, expanded);
        var publicKey = EdwardsPoint.Base.Multiply(expanded[..32]).Encode();
        CryptographicOperations.ZeroMemory(expanded);
        return publicKey;
    }

    public static byte[] Sign(ReadOnlySpan<byte> seed, ReadOnlySpan<byte> message)
    {
        Span<byte> expanded = stackalloc byte[64];
        Span<byte> digest = stackalloc byte[64];
        Span<byte> r = stackalloc byte[32];
        Expand(seed, expanded);
        var secret = expanded[..32];
        var publicKey = EdwardsPoint.Base.Multiply(secret).Encode();

        Hash(digest, expanded[32..], [], message);
        Scalar.Reduce(digest, r);
        var signature = new byte[SignatureSize];
        EdwardsPoint.Base.Multiply(r).Encode().CopyTo(signature, 0);

        Span<byte> k = stackalloc byte[32];
        Hash(digest, signature.AsSpan(0, 32), publicKey, message);
        Scalar.Reduce(digest, k);
        Scalar.MultiplyAdd(k, secret, r, signature.AsSpan(32));

        CryptographicOperations.ZeroMemory(expanded);
        CryptographicOperations.ZeroMemory(digest);
        CryptographicOperations.ZeroMemory(r);
        return signature;
    }

    /// <summary>RFC 8032 §5.1.7. False for anything malformed: wrong lengths, non-canonical encodings, S ≥ L.</summary>
    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != PublicKeySize || signature.Length != SignatureSize)
        {
            return false;
        }
        var s = signature[32..];
        if (!Scalar.IsCanonical(s) || !EdwardsPoint.TryDecode(publicKey, out var a))
        {
            return false;
        }
        Span<byte> digest = stackalloc byte[64];
        Span<byte> k = stackalloc byte[32];
        Hash(digest, signature[..32], publicKey, message);
        Scalar.Reduce(digest, k);
        var r = EdwardsPoint.MultiplyAddVartime(k, -a, s, EdwardsPoint.Base);
        return r.Encode().AsSpan().SequenceEqual(signature[..32]);
    }

    // SHA-512 of the seed, its first half clamped into the secret scalar: a multiple of 8 with bit 254 set.
    private static void Expand(ReadOnlySpan<byte> seed, Span<byte> expanded)
    {
        if (seed.Length != SeedSize)
        {
            throw new ArgumentException($"An Ed25519 seed has {SeedSize} bytes.", nameof(seed));
        }
        SHA512.HashData(seed, expanded);
        expanded[0] &= 248;
        expanded[31] &= 127;
        expanded[31] |= 64;
    }

    private static void Hash(Span<byte> destination, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, ReadOnlySpan<byte> message)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        sha.AppendData(first);
        sha.AppendData(second);
        sha.AppendData(message);
        sha.GetHashAndReset(destination);
    }

    /// <summary>Arithmetic modulo the group order L = 2^252 + 27742317777372353535851937790883648493, on four 64-bit
    /// limbs. Reduction is bit-serial long division with a masked subtraction at every bit: slow next to a Barrett
    /// reduction (a few microseconds), but short, obviously right, and free of secret-dependent branches.</summary>
    internal static class Scalar
    {
        public static readonly BigInteger L = BigInteger.Pow(2, 252) + BigInteger.Parse("27742317777372353535851937790883648493", System.Globalization.CultureInfo.InvariantCulture);

        private static readonly ulong[] OrderLimbs = ToLimbs(L);

        /// <summary>Writes x mod L (x little-endian, up to 64 bytes) as 32 little-endian bytes.</summary>
        public static void Reduce(ReadOnlySpan<byte> x, Span<byte> result)
        {
            Span<ulong> r = stackalloc ulong[4];
            Span<ulong> t = stackalloc ulong[4];
            for (var i = x.Length * 8 - 1; i >= 0; i--)
            {
                // r < L < 2^253, so 2r + 1 fits in 256 bits, and one conditional subtraction brings it back below L.
                r[3] = r[3] << 1 | r[2] >> 63;
                r[2] = r[2] << 1 | r[1] >> 63;
                r[1] = r[1] << 1 | r[0] >> 63;
                r[0] = r[0] << 1 | (((ulong)x[i >> 3] >> (i & 7)) & 1);
                ulong borrow = 0;
                for (var j = 0; j < 4; j++)
                {
                    var d = r[j] - OrderLimbs[j] - borrow;
                    borrow = ((~r[j] & OrderLimbs[j]) | (~(r[j] ^ OrderLimbs[j]) & d)) >> 63;
                    t[j] = d;
                }
                var keep = 0 - borrow;
                for (var j = 0; j < 4; j++)
                {
                    r[j] = (r[j] & keep) | (t[j] & ~keep);
                }
            }
            for (var j = 0; j < 4; j++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(result[(8 * j)..], r[j]);
            }
        }

        /// <summary>Writes (a·b + c) mod L. a, b and c are 32 little-endian bytes each; a·b + c stays below 2^512.</summary>
        public static void MultiplyAdd(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, Span<byte> result)
        {
            Span<ulong> w = stackalloc ulong[8];
            for (var i = 0; i < 4; i++)
            {
                w[i] = BinaryPrimitives.ReadUInt64LittleEndian(c[(8 * i)..]);
            }
            for (var i = 0; i < 4; i++)
            {
                var ai = BinaryPrimitives.ReadUInt64LittleEndian(a[(8 * i)..]);
                UInt128 carry = 0;
                for (var j = 0; j < 4; j++)
                {
                    var sum = (UInt128)ai * BinaryPrimitives.ReadUInt64LittleEndian(b[(8 * j)..]) + w[i + j] + carry;
                    w[i + j] = (ulong)sum;
                    carry = sum >> 64;
                }
                for (var j = i + 4; j < 8; j++)
                {
                    var sum = (UInt128)w[j] + carry;
                    w[j] = (ulong)sum;
                    carry = sum >> 64;
                }
            }
            Span<byte> wide = stackalloc byte[64];
            for (var i = 0; i < 8; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(wide[(8 * i)..], w[i]);
            }
            Reduce(wide, result);
            CryptographicOperations.ZeroMemory(wide);
            w.Clear();
        }

        /// <summary>Is this 32-byte little-endian value below L? Public input only.</summary>
        public static bool IsCanonical(ReadOnlySpan<byte> s) => s.Length == 32 && new BigInteger(s, isUnsigned: true) < L;

        private static ulong[] ToLimbs(BigInteger value)
        {
            var bytes = new byte[32];
            value.TryWriteBytes(bytes, out _, isUnsigned: true);
            return [.. Enumerable.Range(0, 4).Select(i => BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8 * i)))];
        }
    }
}
