using System.Numerics;
using System.Security.Cryptography;
using Truceline.Transparency;

namespace Truceline.Tests.Transparency;

/// <summary>Roots and proofs read from the node store, checked against a naive recursive reading of RFC 9162 §2.1 over
/// the leaves themselves, at the sizes where off-by-one errors live: empty, one leaf, powers of two and one beyond.</summary>
public sealed class MerkleProofTests
{
    public static TheoryData<int> Sizes => [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 33, 1024, 1025];

    private static List<byte[]> Leaves(int n) =>
        [.. Enumerable.Range(0, n).Select(i => MerkleTree.LeafHash(BitConverter.GetBytes(i * 7919 + 13)))];

    private static MerkleNodeStore StoreOf(IEnumerable<byte[]> leaves)
    {
        var store = new MerkleNodeStore();
        foreach (var leaf in leaves)
        {
            store.Append(leaf);
        }
        return store;
    }

    // RFC 9162 §2.1.1 MTH, §2.1.3.1 PATH and §2.1.4.1 SUBPROOF, written as the RFC reads, straight over the leaves.
    private static byte[] Mth(List<byte[]> d, int lo, int hi) => (hi - lo) switch
    {
        0 => MerkleTree.EmptyRoot.ToArray(),
        1 => d[lo],
        var n => MerkleTree.NodeHash(Mth(d, lo, lo + Split(n)), Mth(d, lo + Split(n), hi)),
    };

    private static List<byte[]> Path(List<byte[]> d, int m, int lo, int hi)
    {
        if (hi - lo <= 1)
        {
            return [];
        }
        var k = Split(hi - lo);
        return m < k ? [.. Path(d, m, lo, lo + k), Mth(d, lo + k, hi)] : [.. Path(d, m - k, lo + k, hi), Mth(d, lo, lo + k)];
    }

    private static List<byte[]> SubProof(List<byte[]> d, int m, int lo, int hi, bool b)
    {
        if (m == hi - lo)
        {
            return b ? [] : [Mth(d, lo, hi)];
        }
        var k = Split(hi - lo);
        return m <= k ? [.. SubProof(d, m, lo, lo + k, b), Mth(d, lo + k, hi)] : [.. SubProof(d, m - k, lo + k, hi, false), Mth(d, lo, lo + k)];
    }

    private static int Split(int n)
    {
        var k = 1;
        while (k * 2 < n)
        {
            k *= 2;
        }
        return k;
    }

    private static byte[] Flip(byte[] hash)
    {
        var copy = (byte[])hash.Clone();
        copy[^1] ^= 1;
        return copy;
    }

    [Theory, MemberData(nameof(Sizes))]
    public void RootFromStoredSubtreesMatchesTheRecursiveDefinition(int n)
    {
        var leaves = Leaves(n);
        var store = StoreOf(leaves);
        var expected = Mth(leaves, 0, n);
        Assert.Equal(expected, MerkleProofs.RootFrom(n, store.Node));
        Assert.Equal(expected, MerkleTree.Root(leaves));
    }

    [Theory, MemberData(nameof(Sizes))]
    public void EveryInclusionProofMatchesTheRecursiveDefinitionAndVerifies(int n)
    {
        var leaves = Leaves(n);
        var store = StoreOf(leaves);
        var root = MerkleProofs.RootFrom(n, store.Node);
        for (var i = 0; i < n; i++)
        {
            var proof = MerkleProofs.Inclusion(i, n, store.Node);
            Assert.Equal(Path(leaves, i, 0, n), proof);
            Assert.True(MerkleTree.VerifyInclusion(i, n, leaves[i], proof, root), $"leaf {i} of {n}");
            Assert.False(MerkleTree.VerifyInclusion(i, n, Flip(leaves[i]), proof, root), $"altered leaf {i} of {n}");
            if (n > 1)
            {
                Assert.False(MerkleTree.VerifyInclusion(i, n, leaves[(i + 1) % n], proof, root), $"neighbour of leaf {i} of {n}");
                Assert.False(MerkleTree.VerifyInclusion(i, n, leaves[i], [.. proof.SkipLast(1)], root), $"truncated proof of {i} of {n}");
                Assert.False(MerkleTree.VerifyInclusion(i, n, leaves[i], [.. proof.Take(proof.Count - 1), Flip(proof[^1])], root), $"altered proof of {i} of {n}");
            }
            Assert.False(MerkleTree.VerifyInclusion(i, n, leaves[i], [.. proof, leaves[i]], root), $"overlong proof of {i} of {n}");
        }
        Assert.False(MerkleTree.VerifyInclusion(n, n, new byte[32], [], root));
    }

    [Theory, MemberData(nameof(Sizes))]
    public void EveryConsistencyProofMatchesTheRecursiveDefinitionAndVerifies(int n)
    {
        var leaves = Leaves(n);
        var store = StoreOf(leaves);
        var newRoot = MerkleProofs.RootFrom(n, store.Node);
        for (var m = 0; m <= n; m++)
        {
            var proof = MerkleProofs.Consistency(m, n, store.Node);
            var oldRoot = MerkleProofs.RootFrom(m, store.Node);
            var expected = m == 0 || m == n ? [] : SubProof(leaves, m, 0, n, true);
            Assert.Equal(expected, proof);
            Assert.True(MerkleTree.VerifyConsistency(m, n, proof, oldRoot, newRoot), $"{m} to {n}");
            Assert.False(MerkleTree.VerifyConsistency(m, n, proof, Flip(oldRoot), newRoot), $"altered old root, {m} to {n}");
            // Every tree extends the empty one, whatever its root: only a non-empty old tree constrains the new root.
            Assert.Equal(m == 0 && n > 0, MerkleTree.VerifyConsistency(m, n, proof, oldRoot, Flip(newRoot)));
            Assert.False(MerkleTree.VerifyConsistency(m, n, [.. proof, newRoot], oldRoot, newRoot), $"overlong proof, {m} to {n}");
            if (proof.Count > 0)
            {
                Assert.False(MerkleTree.VerifyConsistency(m, n, [.. proof.SkipLast(1)], oldRoot, newRoot), $"truncated proof, {m} to {n}");
                Assert.False(MerkleTree.VerifyConsistency(m, n, [Flip(proof[0]), .. proof.Skip(1)], oldRoot, newRoot), $"altered proof, {m} to {n}");
            }
        }
    }

    [Fact]
    public void ProofsAtTenMillionLeavesReadOnlyALogarithmicNumberOfCompleteSubtrees()
    {
        // A tree whose leaves are all equal has one hash per level, so stored subtrees are consistent without storing
        // ten million of them; the test is about which subtrees the proofs ask for and how many.
        const long n = 10_000_000;
        var byLevel = new byte[63][];
        byLevel[0] = MerkleTree.LeafHash("same"u8);
        for (var l = 1; l < byLevel.Length; l++)
        {
            byLevel[l] = MerkleTree.NodeHash(byLevel[l - 1], byLevel[l - 1]);
        }
        var reads = 0;
        var size = n;
        byte[] Node(int level, long index)
        {
            Assert.True(level >= 0 && index >= 0 && (index + 1) << level <= size, $"asked for ({level}, {index}) beyond {size} leaves");
            reads++;
            return byLevel[level];
        }
        var bound = 2 * (64 - BitOperations.LeadingZeroCount((ulong)n));
        var root = MerkleProofs.RootFrom(n, Node);

        foreach (var index in new[] { 0L, 1, 4_999_999, 8_388_607, 8_388_608, n - 2, n - 1 })
        {
            reads = 0;
            var proof = MerkleProofs.Inclusion(index, n, Node);
            Assert.InRange(reads, 1, bound);
            Assert.True(MerkleTree.VerifyInclusion(index, n, byLevel[0], proof, root), $"leaf {index}");
        }
        foreach (var m in new[] { 1L, 3, 1_000_000, 8_388_608, 8_388_609, n - 1 })
        {
            size = m;
            var oldRoot = MerkleProofs.RootFrom(m, Node);
            size = n;
            reads = 0;
            var proof = MerkleProofs.Consistency(m, n, Node);
            Assert.InRange(reads, 1, bound);
            Assert.True(MerkleTree.VerifyConsistency(m, n, proof, oldRoot, root), $"{m} to {n}");
        }
    }

    [Fact]
    public void TheStoreHoldsEveryCompleteSubtreeAndRefusesTheRest()
    {
        var leaves = Leaves(37);
        var store = StoreOf(leaves);
        for (var level = 0; level <= 5; level++)
        {
            for (var index = 0L; index < 37 >> level; index++)
            {
                Assert.Equal(MerkleProofs.PerfectSubtree(level, index, i => leaves[(int)i]), store.Node(level, index));
            }
            Assert.Throws<ArgumentOutOfRangeException>(() => store.Node(level, 37 >> level));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Node(6, 0));
        Assert.Throws<ArgumentException>(() => store.Append(new byte[31]));
    }

    [Fact]
    public void ProofsForAnEarlierSizeComeFromTheSameStore()
    {
        var leaves = Leaves(100);
        var store = StoreOf(leaves);
        var earlier = leaves.Take(45).ToList();
        Assert.Equal(MerkleTree.Root(earlier), MerkleProofs.RootFrom(45, store.Node));
        Assert.Equal(Path(earlier, 44, 0, 45), MerkleProofs.Inclusion(44, 45, store.Node));
        Assert.Equal(SubProof(earlier, 13, 0, 45, true), MerkleProofs.Consistency(13, 45, store.Node));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1023)]
    [InlineData(1024)]
    [InlineData(70_000)]
    public void LeafAndNodeHashesAreDomainSeparatedSha256(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        Assert.Equal(SHA256.HashData([0x00, .. data]), MerkleTree.LeafHash(data));
        var (left, right) = (SHA256.HashData(data), MerkleTree.LeafHash(data));
        Assert.Equal(SHA256.HashData([0x01, .. left, .. right]), MerkleTree.NodeHash(left, right));
    }

    [Fact]
    public void MalformedProofInputsAreRejectedNotThrown()
    {
        var leaves = Leaves(5);
        var root = MerkleTree.Root(leaves);
        var proof = MerkleProofs.Inclusion(2, 5, StoreOf(leaves).Node);
        Assert.True(MerkleTree.VerifyInclusion(2, 5, leaves[2], proof, root));
        Assert.False(MerkleTree.VerifyInclusion(-1, 5, leaves[2], proof, root));
        Assert.False(MerkleTree.VerifyInclusion(2, 5, leaves[2][..31], proof, root));
        Assert.False(MerkleTree.VerifyInclusion(2, 5, leaves[2], [proof[0], proof[1][..16], .. proof.Skip(2)], root));
        Assert.False(MerkleTree.VerifyInclusion(2, 5, leaves[2], [null!, .. proof.Skip(1)], root));
        Assert.False(MerkleTree.VerifyConsistency(3, 2, [], root, root));
        Assert.False(MerkleTree.VerifyConsistency(-1, 5, [], root, root));
        Assert.False(MerkleTree.VerifyConsistency(2, 5, [new byte[33]], root, root));
        Assert.Equal(MerkleTree.EmptyRoot.ToArray(), Convert.FromHexString("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        Assert.Equal("bjQLnP+zepicpUTmu3gKLHiQHT+zNzh2hRGjBhevoB0=", Convert.ToBase64String(MerkleTree.LeafHash([])));
    }
}
