using System.Diagnostics;
using System.Numerics;

namespace Truceline.Transparency;

/// <summary>
/// Builds RFC 9162 roots and proofs from the stored hashes of perfect subtrees. <c>node(level, index)</c> must return
/// the hash of the perfect subtree over leaves [index·2^level, (index+1)·2^level). It is only ever asked for subtrees
/// that lie wholly inside the tree being proved, so a store that keeps the hash of every complete subtree (a nodes
/// table keyed by level and index, or tiles of them) can answer any root or proof with O(log n) reads. The ragged
/// right edge of a tree whose size is not a power of two is hashed here from the perfect subtrees it splits into.
/// </summary>
public static class MerkleProofs
{
    /// <summary>The root of the tree made of the first <paramref name="size"/> leaves.</summary>
    public static byte[] RootFrom(long size, Func<int, long, byte[]> node)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return size == 0 ? MerkleTree.EmptyRoot.ToArray() : RangeHash(0, size, node);
    }

    /// <summary>RFC 9162 §2.1.3.1 inclusion proof of leaf <paramref name="index"/> in the tree of <paramref name="size"/>
    /// leaves, nearest sibling first: at most log2(size) elements from at most 2·log2(size) node reads.</summary>
    public static List<byte[]> Inclusion(long index, long size, Func<int, long, byte[]> node)
    {
        if (index < 0 || index >= size)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"Leaf {index} is not in a tree of {size} leaves.");
        }
        var proof = new List<byte[]>(64);
        InclusionPath(index, 0, size, node, proof);
        return proof;
    }

    /// <summary>RFC 9162 §2.1.4.1 proof that the tree of <paramref name="newSize"/> leaves extends the tree of
    /// <paramref name="oldSize"/>. Empty when the sizes are equal or the old tree is empty.</summary>
    public static List<byte[]> Consistency(long oldSize, long newSize, Func<int, long, byte[]> node)
    {
        if (oldSize < 0 || newSize < oldSize)
        {
            throw new ArgumentOutOfRangeException(nameof(oldSize), $"No consistency proof from {oldSize} leaves to {newSize}.");
        }
        var proof = new List<byte[]>(64);
        if (oldSize > 0 && oldSize < newSize)
        {
            SubProof(oldSize, 0, newSize, true, node, proof);
        }
        return proof;
    }

    /// <summary>The hash of the perfect subtree over leaves [index·2^level, (index+1)·2^level) from its 2^level leaf
    /// hashes: for a store that keeps only leaves, or to check a stored node.</summary>
    public static byte[] PerfectSubtree(int level, long index, Func<long, byte[]> leafHash)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, 62);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var first = index << level;
        var count = 1L << level;
        var stack = new List<byte[]>(level + 1);
        for (var i = 0L; i < count; i++)
        {
            stack.Add(leafHash(first + i));
            for (var completed = i; (completed & 1) == 1; completed >>= 1)
            {
                var joined = MerkleTree.NodeHash(stack[^2], stack[^1]);
                stack.RemoveRange(stack.Count - 2, 2);
                stack.Add(joined);
            }
        }
        return stack[0];
    }

    // PATH(m, D[lo:hi]): m counts from lo.
    private static void InclusionPath(long m, long lo, long hi, Func<int, long, byte[]> node, List<byte[]> proof)
    {
        if (hi - lo == 1)
        {
            return;
        }
        var k = LargestPowerOfTwoBelow(hi - lo);
        if (m < k)
        {
            InclusionPath(m, lo, lo + k, node, proof);
            proof.Add(RangeHash(lo + k, hi, node));
        }
        else
        {
            InclusionPath(m - k, lo + k, hi, node, proof);
            proof.Add(RangeHash(lo, lo + k, node));
        }
    }

    // SUBPROOF(m, D[lo:hi], b): m counts from lo; b says whether D[lo:lo+m] is a subtree whose root the verifier knows.
    private static void SubProof(long m, long lo, long hi, bool known, Func<int, long, byte[]> node, List<byte[]> proof)
    {
        if (m == hi - lo)
        {
            if (!known)
            {
                proof.Add(RangeHash(lo, hi, node));
            }
            return;
        }
        var k = LargestPowerOfTwoBelow(hi - lo);
        if (m <= k)
        {
            SubProof(m, lo, lo + k, known, node, proof);
            proof.Add(RangeHash(lo + k, hi, node));
        }
        else
        {
            SubProof(m - k, lo + k, hi, false, node, proof);
            proof.Add(RangeHash(lo, lo + k, node));
        }
    }

    // MTH(D[lo:hi]) for a range the RFC recursion produces: lo is a multiple of the largest power of two in hi - lo, so
    // the range splits into aligned perfect subtrees, largest first (the binary digits of its size), which the
    // recursion joins right to left. A perfect range is one read; the ragged edge costs one read per set bit.
    private static byte[] RangeHash(long lo, long hi, Func<int, long, byte[]> node)
    {
        byte[]? hash = null;
        var end = hi;
        for (var rest = hi - lo; rest != 0; rest &= rest - 1)
        {
            var width = rest & -rest;
            var level = BitOperations.TrailingZeroCount(width);
            var start = end - width;
            Debug.Assert(start % width == 0, "RFC 9162 ranges split into aligned perfect subtrees.");
            var part = node(level, start >> level);
            hash = hash is null ? part : MerkleTree.NodeHash(part, hash);
            end = start;
        }
        return hash ?? throw new ArgumentException("An empty range has no subtree hash.");
    }

    private static long LargestPowerOfTwoBelow(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));
}
