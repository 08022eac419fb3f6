using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Truceline.Transparency;

namespace Truceline.Bench;

/// <summary>
/// The transparency log's pure core (target: proofs at 10,000,000 leaves in under 1 ms; an Ed25519 verification
/// under 5 ms). The leaves are generated (simulated): leaf i is the RFC 9162 leaf hash of "published item i". The
/// in-memory node store stands in for the database-backed one: both answer node(level, index) with one read.
/// Baselines from the same run: one SHA-256 node hash, and .NET's own (native) ECDSA P-256 verification.
/// </summary>
public static class TransparencyBench
{
    private const int Warmup = 200;
    private const int Iterations = 2001;

    public static void Run(long leaves = 10_000_000)
    {
        Console.WriteLine($"Transparency core, {Environment.ProcessorCount} logical cores, .NET {Environment.Version}; leaves generated (simulated).");
        var store = new MerkleNodeStore();
        var started = Stopwatch.GetTimestamp();
        for (var i = 0L; i < leaves; i++)
        {
            store.Append(MerkleTree.LeafHash(Encoding.ASCII.GetBytes($"published item {i}")));
        }
        var build = Stopwatch.GetElapsedTime(started);
        GC.Collect();
        Console.WriteLine($"  {leaves:N0} leaves appended in {build.TotalSeconds:F1} s ({leaves / build.TotalSeconds:N0} leaves/s, leaf hash included); " +
            $"managed heap {GC.GetTotalMemory(false) / 1024 / 1024:N0} MiB");

        var reads = 0;
        byte[] Node(int level, long index)
        {
            reads++;
            return store.Node(level, index);
        }
        var random = new Random(20260301);
        var root = MerkleProofs.RootFrom(leaves, Node);
        var nodeHash = Median(() => MerkleTree.NodeHash(root, root));
        var rootTime = Median(() => MerkleProofs.RootFrom(leaves, Node));

        var inclusionReads = new List<int>();
        var inclusion = Median(() =>
        {
            reads = 0;
            var proof = MerkleProofs.Inclusion(random.NextInt64(leaves), leaves, Node);
            inclusionReads.Add(reads);
            return proof;
        });
        var index = random.NextInt64(leaves);
        var leafProof = MerkleProofs.Inclusion(index, leaves, store.Node);
        var leaf = store.Node(0, index);
        var verifyInclusion = Median(() => MerkleTree.VerifyInclusion(index, leaves, leaf, leafProof, root));

        var consistencyReads = new List<int>();
        var consistency = Median(() =>
        {
            reads = 0;
            var proof = MerkleProofs.Consistency(random.NextInt64(1, leaves), leaves, Node);
            consistencyReads.Add(reads);
            return proof;
        });
        var oldSize = leaves - 12_345;
        var oldRoot = MerkleProofs.RootFrom(oldSize, store.Node);
        var oldProof = MerkleProofs.Consistency(oldSize, leaves, store.Node);
        var verifyConsistency = Median(() => MerkleTree.VerifyConsistency(oldSize, leaves, oldProof, oldRoot, root));

        Console.WriteLine($"  median of {Iterations:N0} after {Warmup} warm-up, in microseconds (ratio to one SHA-256 node hash, {nodeHash * 1000:F2} µs):");
        Row("root of the whole tree (node reads)", rootTime, nodeHash);
        Row($"inclusion proof, random leaf ({inclusionReads.Max()} reads at most)", inclusion, nodeHash);
        Row("verify an inclusion proof", verifyInclusion, nodeHash);
        Row($"consistency proof, random old size ({consistencyReads.Max()} reads at most)", consistency, nodeHash);
        Row("verify a consistency proof", verifyConsistency, nodeHash);
        Console.WriteLine($"  target: a proof at {leaves:N0} leaves under 1 ms: {(Math.Max(inclusion, consistency) < 1 ? "met" : "NOT met")}");

        var seed = Ed25519.NewSeed();
        var publicKey = Ed25519.PublicKeyFromSeed(seed);
        var message = Encoding.UTF8.GetBytes(new Checkpoint("truceline.example/log", leaves, root).ToString());
        var signature = Ed25519.Sign(seed, message);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ecdsaSignature = ecdsa.SignData(message, HashAlgorithmName.SHA256);
        var ecdsaVerify = Median(() => ecdsa.VerifyData(message, ecdsaSignature, HashAlgorithmName.SHA256));
        var sign = Median(() => Ed25519.Sign(seed, message));
        var verify = Median(() => Ed25519.Verify(publicKey, message, signature));

        var log = NoteSigner.Create("truceline.example/log", NoteKeyType.Ed25519, seed, TimeProvider.System);
        var witnesses = Enumerable.Range(1, 3).Select(i => NoteSigner.Generate($"mediator{i}.example", NoteKeyType.Cosignature, TimeProvider.System)).ToArray();
        var note = witnesses.Aggregate(SignedNote.Sign(Encoding.UTF8.GetString(message), log), (n, w) => n.AddSignature(w)).ToBytes();
        var known = witnesses.Select(w => w.Verifier).ToArray();
        var open = Median(() => Checkpoint.Open(note, log.Verifier, known, 3));

        Console.WriteLine($"  Ed25519 (C#), median in microseconds (ratio to .NET's native ECDSA P-256 verification, {ecdsaVerify * 1000:F1} µs):");
        Row("sign a checkpoint", sign, ecdsaVerify);
        Row("verify a checkpoint signature", verify, ecdsaVerify);
        Row("open a checkpoint: parse, log signature + 3 cosignatures", open, ecdsaVerify);
        Console.WriteLine($"  target: a verification under 5 ms: {(verify < 5 ? "met" : "NOT met")}");
    }

    private static void Row(string what, double ms, double baseline) =>
        Console.WriteLine($"    {what,-68} {ms * 1000,10:F2} µs   ratio {ms / baseline,10:F1}");

    private static double Median<T>(Func<T> work)
    {
        for (var i = 0; i < Warmup; i++)
        {
            GC.KeepAlive(work());
        }
        var times = new double[Iterations];
        for (var i = 0; i < Iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            GC.KeepAlive(work());
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return times[Iterations / 2];
    }
}
