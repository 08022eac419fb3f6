using System.Text;
using Truceline.Common;
using Truceline.Transparency;

namespace Truceline.Tests.Transparency;

public sealed class CheckpointTests
{
    // A real checkpoint of a staging CT log (transparency.dev) with its cosignatures, as published: an Ed25519 log
    // signature, an RFC 6962 tree-head signature by the same name (type 0x05, not ours to check) and four witnesses'
    // cosignature/v1 lines. Of the witnesses we know only remora.n621.de.
    private const string RealCheckpoint = """
        arche2025h1.staging.ct.transparency.dev
        1432088532
        U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=

        — arche2025h1.staging.ct.transparency.dev zTM8sQAAAZ5W0WdjBAMARjBEAiBjW5IQf9pvsYLfQFX6hoGREPMHbdQ3urbllzalApkptQIgIpwtEroeW2BXaHAI4kJXFbon5Ch9MNL5zRNZ55lvGt0=
        — arche2025h1.staging.ct.transparency.dev ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ=
        — transparency.dev/DEV:witness-little-garden 2AQqhwAAAABqEiEgzgFIqqhbUoDwjMWE6UP8nd8/KYTzwZ2rhIgcqoXHAwVkjZr4AscylP3v7sEodkRAErumC2q44vdgJY096st5BQ==
        — witness1.smartit.nu/witness1 pIyCDwAAAABqEiEghIp82KWebrw7/oHQwlTAm3g2RKS4+eebl8eO0WH+/iEcxZ75W3u5hNI7TOQtmJbqmNWVuE0tgh0XwzdZsDsUAQ==
        — remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU/zZ0WBxtqB0DrAWfBw==
        — witness.stagemole.eu Z/euoAAAAABqEiEgw0i+7g2ENfDAWHmtRzCfKTHSDwYDJA2NmKeGi9Y8FtEyOUvVr+AJmIY/2TUFucgKi7lI7cUiOvKFYe/TmN9DAg==

        """;

    private const string RealLog = "arche2025h1.staging.ct.transparency.dev+ba2f06c0+AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f";
    private const string RealWitness = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2";

    private static readonly DateTimeOffset Noon = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static NoteVerifierKey Key(string vkey) => NoteVerifierKey.Parse(vkey).Value!;

    private static string Reason(Failure? failure) => Assert.Single(Assert.Single(failure!.Errors!).Value);

    private static Outcome<WitnessedCheckpoint> Open(string note, NoteVerifierKey log, NoteVerifierKey[] witnesses, int quorum) =>
        Checkpoint.Open(Encoding.UTF8.GetBytes(note), log, witnesses, quorum);

    [Fact]
    public void APublishedCosignedCheckpointOpens()
    {
        var opened = Open(RealCheckpoint, Key(RealLog), [Key(RealWitness)], 1);

        Assert.True(opened.Succeeded, opened.Failure?.Detail);
        var checkpoint = opened.Value!.Checkpoint;
        Assert.Equal("arche2025h1.staging.ct.transparency.dev", checkpoint.Origin);
        Assert.Equal(1432088532, checkpoint.Size);
        Assert.Equal("U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=", Convert.ToBase64String(checkpoint.RootHash));
        var cosignature = Assert.Single(opened.Value.Cosignatures);
        Assert.Equal("remora.n621.de", cosignature.Key.Name);
        Assert.Equal(1_779_573_024L, cosignature.CosignedAt);
        Assert.Equal(6, opened.Value.Note.Signatures.Count);
    }

    [Fact]
    public void APublishedCheckpointWithAnAlteredSizeIsRefused()
    {
        var altered = RealCheckpoint.Replace("1432088532", "1432088533", StringComparison.Ordinal);
        Assert.Equal("the signature by arche2025h1.staging.ct.transparency.dev+ba2f06c0 does not verify",
            Reason(Open(altered, Key(RealLog), [Key(RealWitness)], 1).Failure));
        Assert.Equal("the signature by remora.n621.de+da77ade7 does not verify",
            Reason(Open(altered, Key(RealWitness), [], 0).Failure));
    }

    [Fact]
    public void AQuorumNeedsThatManyKnownWitnessesAndTheLogsOwnSignature()
    {
        Assert.Equal("cosigned by 1 of the 1 known witnesses; 2 needed", Reason(Open(RealCheckpoint, Key(RealLog), [Key(RealWitness)], 2).Failure));
        var withoutLog = string.Join('\n', RealCheckpoint.Split('\n').Where(l => !l.Contains(" ui8GwCF1", StringComparison.Ordinal)));
        Assert.Equal("not signed by the log key arche2025h1.staging.ct.transparency.dev+ba2f06c0", Reason(Open(withoutLog, Key(RealLog), [Key(RealWitness)], 1).Failure));
    }

    [Fact]
    public void ALogCheckpointCosignedByMediatorsOpensAndItsRootProvesInclusion()
    {
        var store = new MerkleNodeStore();
        for (var i = 0; i < 1000; i++)
        {
            store.Append(MerkleTree.LeafHash(Encoding.UTF8.GetBytes($"published item {i}")));
        }
        var log = NoteSigner.Generate("truceline.example/log", NoteKeyType.Ed25519, TimeProvider.System);
        var mediators = Enumerable.Range(1, 3)
            .Select(i => NoteSigner.Generate($"mediator{i}.example/witness", NoteKeyType.Cosignature, new FixedClock(Noon.AddSeconds(i))))
            .ToArray();
        var text = new Checkpoint("truceline.example/log", store.Size, MerkleProofs.RootFrom(store.Size, store.Node)).ToString();
        var note = SignedNote.Sign(text, log).AddSignature(mediators[0]).AddSignature(mediators[1]).AddSignature(mediators[2]);

        var opened = Checkpoint.Open(note.ToBytes(), log.Verifier, [mediators[0].Verifier, mediators[1].Verifier], 2);

        Assert.True(opened.Succeeded, opened.Failure?.Detail);
        Assert.Equal([Noon.AddSeconds(1).ToUnixTimeSeconds(), Noon.AddSeconds(2).ToUnixTimeSeconds()], opened.Value!.Cosignatures.Select(c => c.CosignedAt));
        var checkpoint = opened.Value.Checkpoint;
        var leaf = MerkleTree.LeafHash("published item 617"u8);
        Assert.True(MerkleTree.VerifyInclusion(617, checkpoint.Size, leaf, MerkleProofs.Inclusion(617, checkpoint.Size, store.Node), checkpoint.RootHash));
    }

    [Fact]
    public void ACosignatureCoversItsTimeAndIsNotAPlainSignature()
    {
        var log = NoteSigner.Generate("log.example", NoteKeyType.Ed25519, TimeProvider.System);
        var seed = Ed25519.NewSeed();
        var witness = NoteSigner.Create("witness.example", NoteKeyType.Cosignature, seed, new FixedClock(Noon));
        var note = SignedNote.Sign(new Checkpoint("log.example", 5, new byte[32]).ToString(), log).AddSignature(witness);
        var line = note.Signatures[^1];
        Assert.Equal(4 + 8 + 64, Convert.FromBase64String(line.ToString().Split(' ')[^1]).Length);

        var later = Convert.FromBase64String(line.ToString().Split(' ')[^1]);
        later[4 + 7]++;
        var moved = note.AddSignature(NoteSignature.Parse($"— {line.Name} {Convert.ToBase64String(later)}").Value!);
        Assert.Equal(note.Signatures.Count, moved.Signatures.Count);
        Assert.Equal("the signature by witness.example+" + witness.KeyId.ToString("x8") + " does not verify",
            Reason(Checkpoint.Open(moved.ToBytes(), log.Verifier, [witness.Verifier], 1).Failure));

        // The same Ed25519 key as a plain note key has another key ID: its lines are someone else's, and ignored.
        var plain = NoteSigner.Create("witness.example", NoteKeyType.Ed25519, seed, TimeProvider.System).Verifier;
        Assert.NotEqual(witness.KeyId, plain.KeyId);
        Assert.Equal("cosigned by 0 of the 1 known witnesses; 1 needed", Reason(Checkpoint.Open(note.ToBytes(), log.Verifier, [plain], 1).Failure));
    }

    [Fact]
    public void TheCheckpointTextIsWrittenAndReadBack()
    {
        var root = Convert.FromBase64String("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
        var checkpoint = new Checkpoint("example.com/behind-the-sofa", 20852163, root, ["extension one"]);
        var text = checkpoint.ToString();
        Assert.Equal("example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\nextension one\n", text);
        var read = Checkpoint.Parse(text).Value!;
        Assert.Equal(checkpoint.Origin, read.Origin);
        Assert.Equal(checkpoint.Size, read.Size);
        Assert.Equal(root, read.RootHash.ToArray());
        Assert.Equal(["extension one"], read.Extensions);
        Assert.Equal(0, Checkpoint.Parse("log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n").Value!.Size);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=", "must end with a newline" },
        { "log\n0\n", "needs an origin, a tree size and a root hash, one per line" },
        { "\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", "line 1 is empty" },
        { "log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n", "line 4 is empty" },
        { "log\n007\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", "line 2: the tree size must be a decimal number without leading zeros, below 2^63" },
        { "log\n+7\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", "line 2: the tree size must be a decimal number without leading zeros, below 2^63" },
        { "log\n-1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", "line 2: the tree size must be a decimal number without leading zeros, below 2^63" },
        { "log\n 7\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", "line 2: the tree size must be a decimal number without leading zeros, below 2^63" },
        { "log\n9223372036854775808\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", "line 2: the tree size must be a decimal number without leading zeros, below 2^63" },
        { "log\n٣\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n", "line 2: the tree size must be a decimal number without leading zeros, below 2^63" },
        { "log\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU\n", "line 3: the root hash must be canonical base64 of 32 bytes" },
        { "log\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=\n", "line 3: the root hash must be canonical base64 of 32 bytes" },
        { "log\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuA==\n", "line 3: the root hash must be canonical base64 of 32 bytes" },
        { "log\n1\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= \n", "line 3: the root hash must be canonical base64 of 32 bytes" },
    };

    [Theory, MemberData(nameof(Malformed))]
    public void AMalformedCheckpointTextIsRefusedWithItsLine(string text, string reason)
    {
        Assert.Equal(reason, Reason(Checkpoint.Parse(text).Failure));
    }
}
