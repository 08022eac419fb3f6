using System.Numerics;
using System.Security.Cryptography;

namespace Truceline.Transparency;

/// <summary>
/// RFC 9162 (RFC 6962) Merkle tree hashing and proof verification. Every hash is 32 bytes of SHA-256; a leaf is
/// hashed behind a 0x00 byte and an interior node behind 0x01, so a leaf can never be passed off as a node.
/// Verification never throws on what a log or a client sends: a malformed proof is simply not a valid one.
/// </summary>
public static class MerkleTree
{
    public const int HashSize = 32;

    private static readonly byte[] Empty = SHA256.HashData(ReadOnlySpan<byte>.Empty);

    /// <summary>The root of the empty tree: SHA-256 of no bytes.</summary>
    public static ReadOnlySpan<byte> EmptyRoot => Empty;

    public static byte[] LeafHash(ReadOnlySpan<byte> data)
    {
        // Small leaves are hashed in one call: an IncrementalHash per leaf costs more than the hashing.
        if (data.Length < 1024)
        {
            Span<byte> input = stackalloc byte[1 + data.Length];
            input[0] = 0x00;
            data.CopyTo(input[1..]);
            return SHA256.HashData(input);
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData([0x00]);
        hash.AppendData(data);
        return hash.GetHashAndReset();
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var result = new byte[HashSize];
        NodeHash(left, right, result);
        return result;
    }

    /// <summary>Writes SHA-256(0x01 || left || right) to <paramref name="destination"/>, which may overlap either input.</summary>
    public static void NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        if (left.Length != HashSize || right.Length != HashSize)
        {
            throw new ArgumentException($"Node children must be {HashSize}-byte hashes.");
        }
        Span<byte> input = stackalloc byte[1 + 2 * HashSize];
        input[0] = 0x01;
        left.CopyTo(input[1..]);
        right.CopyTo(input[(1 + HashSize)..]);
        SHA256.HashData(input, destination);
    }

    /// <summary>The RFC 9162 root over all the given leaf hashes, in one pass and O(log n) memory.</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leafHashes)
    {
        if (leafHashes.Count == 0)
        {
            return EmptyRoot.ToArray();
        }
        // The stack holds the perfect subtrees of the leaves seen so far, largest first: the binary digits of the count.
        var stack = new List<byte[]>(64);
        for (var i = 0; i < leafHashes.Count; i++)
        {
            stack.Add(leafHashes[i]);
            for (var completed = i; (completed & 1) == 1; completed >>= 1)
            {
                var right = stack[^1];
                var left = stack[^2];
                stack.RemoveRange(stack.Count - 2, 2);
                stack.Add(NodeHash(left, right));
            }
        }
        var root = stack[^1];
        for (var i = stack.Count - 2; i >= 0; i--)
        {
            root = NodeHash(stack[i], root);
        }
        return root;
    }

    /// <summary>RFC 9162 §2.1.3.2: does <paramref name="proof"/> show the leaf at <paramref name="index"/> in the tree of
    /// <paramref name="size"/> leaves with this root?</summary>
    public static bool VerifyInclusion(long index, long size, ReadOnlySpan<byte> leafHash, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        if (index < 0 || index >= size || leafHash.Length != HashSize || root.Length != HashSize || proof.Count > 64)
        {
            return false;
        }
        var fn = index;
        var sn = size - 1;
        Span<byte> r = stackalloc byte[HashSize];
        leafHash.CopyTo(r);
        foreach (var p in proof)
        {
            if (sn == 0 || p is not { Length: HashSize })
            {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn)
            {
                NodeHash(p, r, r);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                NodeHash(r, p, r);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && r.SequenceEqual(root);
    }

    /// <summary>RFC 9162 §2.1.4.2: is the tree of <paramref name="newSize"/> leaves an append-only extension of the tree of
    /// <paramref name="oldSize"/>? Equal sizes need equal roots and an empty proof; from the empty tree (whose root must
    /// be <see cref="EmptyRoot"/>) every tree is consistent, with an empty proof.</summary>
    public static bool VerifyConsistency(long oldSize, long newSize, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> oldRoot, ReadOnlySpan<byte> newRoot)
    {
        if (oldSize < 0 || newSize < oldSize || oldRoot.Length != HashSize || newRoot.Length != HashSize || proof.Count > 128)
        {
            return false;
        }
        if (oldSize == newSize)
        {
            return proof.Count == 0 && oldRoot.SequenceEqual(newRoot);
        }
        if (oldSize == 0)
        {
            return proof.Count == 0 && oldRoot.SequenceEqual(EmptyRoot);
        }
        if (proof.Count == 0 || proof.Any(p => p is not { Length: HashSize }))
        {
            return false;
        }
        // When the old tree is a perfect subtree of the new one its root is the proof's implicit first element.
        var start = BitOperations.IsPow2(oldSize) ? 0 : 1;
        var first = start == 0 ? oldRoot : proof[0];
        var fn = oldSize - 1;
        var sn = newSize - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }
        Span<byte> fr = stackalloc byte[HashSize];
        Span<byte> sr = stackalloc byte[HashSize];
        first.CopyTo(fr);
        first.CopyTo(sr);
        for (var i = start; i < proof.Count; i++)
        {
            var c = proof[i];
            if (sn == 0)
            {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn)
            {
                NodeHash(c, fr, fr);
                NodeHash(c, sr, sr);
                while ((fn & 1) == 0 && fn != 0)
                {
                    fn >>= 1;
                    sn >>= 1;
                }
            }
            else
            {
                NodeHash(sr, c, sr);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && fr.SequenceEqual(oldRoot) && sr.SequenceEqual(newRoot);
    }
}
