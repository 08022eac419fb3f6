using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Truceline.Transparency;

namespace Truceline.Tests.Transparency;

/// <summary>
/// The C2SP CCTV Merkle vectors (../shared/data/formats/merkle-rfc6962, see SOURCES.md), used as their README says:
/// build the trees [a], [a,b], … from the leaf data, generate the proofs and compare, accept every valid case and
/// reject every invalid one.
/// </summary>
public sealed class MerkleVectorTests
{
    private static string Vectors => Path.Combine(TestPaths.Shared, "data", "formats", "merkle-rfc6962");

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    private sealed record TreeCase(string LeafData, string LeafHash, string RootHash);

    private sealed record InclusionCase(string LeafHash, long LeafIndex, long TreeSize, string RootHash, string[] InclusionPath, string? Comment);

    private sealed record ConsistencyCase(long OldSize, long NewSize, string OldRoot, string NewRoot, string[] ConsistencyPath, string? Comment);

    private static T[] Read<T>(string file) => JsonSerializer.Deserialize<T[]>(File.ReadAllText(Path.Combine(Vectors, file)), Json)!;

    private static List<byte[]> Hashes(string[] base64) => [.. base64.Select(Convert.FromBase64String)];

    /// <summary>The store holding the vector leaves a, b, c, … in order.</summary>
    private static MerkleNodeStore Store()
    {
        var store = new MerkleNodeStore();
        foreach (var leaf in Read<TreeCase>("merkle_tree.json"))
        {
            store.Append(MerkleTree.LeafHash(Encoding.UTF8.GetBytes(leaf.LeafData)));
        }
        return store;
    }

    [Fact]
    public void EveryTreeHeadMatchesTheTreeOfTheLeavesSoFar()
    {
        var cases = Read<TreeCase>("merkle_tree.json");
        Assert.Equal(16, cases.Length);
        var store = new MerkleNodeStore();
        var leaves = new List<byte[]>();
        foreach (var c in cases)
        {
            var leaf = MerkleTree.LeafHash(Encoding.UTF8.GetBytes(c.LeafData));
            Assert.Equal(c.LeafHash, Convert.ToBase64String(leaf));
            leaves.Add(leaf);
            store.Append(leaf);
            Assert.Equal(c.RootHash, Convert.ToBase64String(MerkleTree.Root(leaves)));
            Assert.Equal(c.RootHash, Convert.ToBase64String(MerkleProofs.RootFrom(store.Size, store.Node)));
        }
    }

    [Fact]
    public void EveryValidInclusionProofIsAcceptedAndGeneratedExactly()
    {
        var store = Store();
        var cases = Read<InclusionCase>("inclusion-valid.json");
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            var path = Hashes(c.InclusionPath);
            Assert.True(MerkleTree.VerifyInclusion(c.LeafIndex, c.TreeSize, Convert.FromBase64String(c.LeafHash), path, Convert.FromBase64String(c.RootHash)),
                $"leaf {c.LeafIndex} of {c.TreeSize}");
            Assert.Equal(c.RootHash, Convert.ToBase64String(MerkleProofs.RootFrom(c.TreeSize, store.Node)));
            Assert.Equal(c.InclusionPath, MerkleProofs.Inclusion(c.LeafIndex, c.TreeSize, store.Node).Select(Convert.ToBase64String));
        }
    }

    [Fact]
    public void EveryInvalidInclusionProofIsRejected()
    {
        var cases = Read<InclusionCase>("inclusion-invalid.json");
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            Assert.False(MerkleTree.VerifyInclusion(c.LeafIndex, c.TreeSize, Convert.FromBase64String(c.LeafHash), Hashes(c.InclusionPath), Convert.FromBase64String(c.RootHash)),
                $"leaf {c.LeafIndex} of {c.TreeSize}: {c.Comment}");
        }
    }

    [Fact]
    public void EveryValidConsistencyProofIsAcceptedAndGeneratedExactly()
    {
        var store = Store();
        var cases = Read<ConsistencyCase>("consistency-valid.json");
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            Assert.True(MerkleTree.VerifyConsistency(c.OldSize, c.NewSize, Hashes(c.ConsistencyPath), Convert.FromBase64String(c.OldRoot), Convert.FromBase64String(c.NewRoot)),
                $"{c.OldSize} to {c.NewSize}");
            Assert.Equal(c.OldRoot, Convert.ToBase64String(MerkleProofs.RootFrom(c.OldSize, store.Node)));
            Assert.Equal(c.NewRoot, Convert.ToBase64String(MerkleProofs.RootFrom(c.NewSize, store.Node)));
            Assert.Equal(c.ConsistencyPath, MerkleProofs.Consistency(c.OldSize, c.NewSize, store.Node).Select(Convert.ToBase64String));
        }
    }

    [Fact]
    public void EveryInvalidConsistencyProofIsRejected()
    {
        var cases = Read<ConsistencyCase>("consistency-invalid.json");
        Assert.NotEmpty(cases);
        foreach (var c in cases)
        {
            Assert.False(MerkleTree.VerifyConsistency(c.OldSize, c.NewSize, Hashes(c.ConsistencyPath), Convert.FromBase64String(c.OldRoot), Convert.FromBase64String(c.NewRoot)),
                $"{c.OldSize} to {c.NewSize}: {c.Comment}");
        }
    }
}
