using System.Text;
using Truceline.Transparency;

namespace Truceline.Tests.Transparency;

/// <summary>
/// The signed-note format against the reference implementation's own vectors (golang.org/x/mod sumdb/note
/// note_test.go: the PeterNeumann and EnochRoot keys, their signatures and its malformed notes) and the example of
/// https://c2sp.org/signed-note, then hostile input.
/// </summary>
public sealed class SignedNoteTests
{
    private const string PeterVkey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private const string PeterSkey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    private const string EnochVkey = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
    private const string Text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    private const string PeterSig = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    private const string EnochSig = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

    private static NoteVerifierKey Key(string vkey) => NoteVerifierKey.Parse(vkey).Value!;

    private static SignedNote Note(string note) => SignedNote.Parse(Encoding.UTF8.GetBytes(note)).Value!;

    private static string Refusal(string note) => Reason(SignedNote.Parse(Encoding.UTF8.GetBytes(note)).Failure);

    /// <summary>The message of a refusal, without the name of the field it is about.</summary>
    private static string Reason(Truceline.Common.Failure? failure) => Assert.Single(Assert.Single(failure!.Errors!).Value);

    [Fact]
    public void SigningWithTheReferenceKeyGivesTheReferenceNoteByteForByte()
    {
        var signer = NoteSigner.Parse(PeterSkey, TimeProvider.System).Value!;
        Assert.Equal(PeterVkey, signer.Verifier.ToString());
        Assert.Equal(PeterVkey, signer.ToString());
        Assert.Equal(PeterSkey, signer.ToSignerKey());
        var note = SignedNote.Sign(Text, signer);
        Assert.Equal(Text + "\n" + PeterSig, note.ToString());
        Assert.Equal(note.ToString(), note.AddSignature(signer).ToString());
    }

    [Fact]
    public void OnlyKnownKeysCountAndEachMustVerify()
    {
        var note = Note(Text + "\n" + PeterSig + EnochSig);
        Assert.Equal(Text, note.Text);
        Assert.Equal([PeterSig.TrimEnd('\n'), EnochSig.TrimEnd('\n')], note.Signatures.Select(s => s.ToString()));

        var peterOnly = note.Verify([Key(PeterVkey)]).Value!;
        Assert.Equal("PeterNeumann", Assert.Single(peterOnly).Key.Name);
        Assert.Null(peterOnly[0].CosignedAt);
        Assert.Equal(["PeterNeumann", "EnochRoot"], note.Verify([Key(PeterVkey), Key(EnochVkey)]).Value!.Select(v => v.Key.Name));
        Assert.Equal("signed by none of the known keys", Reason(note.Verify([]).Failure));

        var forged = Note(Text + "\n" + PeterSig[..60] + "ABCD" + PeterSig[60..] + EnochSig);
        Assert.Single(forged.Verify([Key(EnochVkey)]).Value!);
        Assert.Equal("the signature by PeterNeumann+c74f20a3 does not verify", Reason(forged.Verify([Key(PeterVkey), Key(EnochVkey)]).Failure));

        var altered = Note(Text.Replace("cryptography", "cryptographY", StringComparison.Ordinal) + "\n" + PeterSig);
        Assert.NotNull(altered.Verify([Key(PeterVkey)]).Failure);
    }

    [Fact]
    public void RepeatedSignaturesAreCheckedOnceAndUnknownOnesIgnored()
    {
        var note = Note(Text + "\n" + PeterSig + PeterSig + EnochSig + EnochSig + EnochSig[..60] + "ABCD" + EnochSig[60..]);
        Assert.Equal(5, note.Signatures.Count);
        Assert.Equal("PeterNeumann", Assert.Single(note.Verify([Key(PeterVkey)]).Value!).Key.Name);
    }

    [Fact]
    public void TheSignedNoteSpecificationExampleVerifies()
    {
        var note = Note("This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n");
        var key = Key("example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k");
        Assert.Equal("e932791ae6e7a840a46164c904786426d5e7821dd8b29a00d61cae72afdd4da4", Convert.ToHexStringLower(key.PublicKey));
        Assert.Single(note.Verify([key]).Value!);
    }

    [Fact]
    public void EveryManglingOfAVerifierKeyIsRefused()
    {
        Assert.True(NoteVerifierKey.Parse(PeterVkey).Succeeded);
        for (var i = 0; i < PeterVkey.Length; i++)
        {
            for (var j = i + 1; j <= PeterVkey.Length; j++)
            {
                if (i != 0 || j != PeterVkey.Length)
                {
                    Assert.False(NoteVerifierKey.Parse(PeterVkey[i..j]).Succeeded, PeterVkey[i..j]);
                }
            }
            var bumped = PeterVkey[..i] + (char)(PeterVkey[i] + 1) + PeterVkey[(i + 1)..];
            Assert.False(NoteVerifierKey.Parse(bumped).Succeeded, bumped);
        }
        // From the reference tests: a wrong key length and an unknown algorithm, each with a key ID that matches.
        Assert.False(NoteVerifierKey.Parse("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==").Succeeded);
        Assert.Contains("unknown key type 0x65", Reason(NoteVerifierKey.Parse("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").Failure));
        Assert.Contains("lowercase", Reason(NoteVerifierKey.Parse(PeterVkey.Replace("c74f20a3", "C74F20A3", StringComparison.Ordinal)).Failure));
    }

    [Fact]
    public void EveryManglingOfASignerKeyIsRefused()
    {
        for (var i = 0; i < PeterSkey.Length; i++)
        {
            for (var j = i + 1; j <= PeterSkey.Length; j++)
            {
                if (i != 0 || j != PeterSkey.Length)
                {
                    Assert.False(NoteSigner.Parse(PeterSkey[i..j], TimeProvider.System).Succeeded, PeterSkey[i..j]);
                }
            }
            var bumped = PeterSkey[..i] + (char)(PeterSkey[i] + 1) + PeterSkey[(i + 1)..];
            Assert.False(NoteSigner.Parse(bumped, TimeProvider.System).Succeeded, bumped);
        }
    }

    [Fact]
    public void TheReferenceMalformedNotesAreRefused()
    {
        Assert.Equal("no blank line separates the text from its signatures", Refusal(Text));
        Assert.Equal("no signature follows the blank line", Refusal(Text + "\n"));
        Assert.Equal("the last signature line has no final newline", Refusal(Text + "\n" + PeterSig[..^1]));
        Assert.Equal("line 1: control character U+0001", Refusal("\x01" + Text + "\n" + PeterSig));
        Assert.StartsWith("line 4: a signature line reads", Refusal(Text + "\n" + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"));
        Assert.StartsWith("line 5: a signature line reads", Refusal(Text + "\n" + PeterSig + "Unexpected line.\n"));
        Assert.Equal("line 1: not valid UTF-8 (byte 0)", Reason(SignedNote.Parse([0xff, .. Encoding.UTF8.GetBytes(Text + "\n" + PeterSig)]).Failure));
    }

    [Fact]
    public void HostileNotesAreRefusedWithAReason()
    {
        Assert.Equal("more than 100 signatures", Refusal(Text + "\n" + string.Concat(Enumerable.Repeat(PeterSig, 101))));
        Assert.Single(Note(Text + "\n" + string.Concat(Enumerable.Repeat(PeterSig, 100))).Verify([Key(PeterVkey)]).Value!);
        Assert.Equal("must be at most 1024 KiB", Refusal(new string('a', SignedNote.MaxBytes) + "\n\n" + PeterSig));
        Assert.Equal("line 1: control character U+000D", Refusal("a\r\nb\n\n" + PeterSig));
        Assert.Equal("line 4: control character U+0009", Refusal(Text + "\n— PeterNeumann\tx08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"));
        Assert.Equal("line 1: not valid UTF-8 (byte 1)", Reason(SignedNote.Parse([(byte)'a', 0xed, 0xa0, 0x80, .. "\n\n"u8, .. Encoding.UTF8.GetBytes(PeterSig)]).Failure));
        var sig = PeterSig[("— PeterNeumann ".Length)..^1];
        foreach (var bad in new[]
        {
            sig.TrimEnd('='),                     // padding left out
            sig[..^2] + "N=",                     // unused bits set: the same bytes, another spelling
            sig[..20] + " " + sig[20..],          // whitespace inside
            "AAAAAA==",                           // a key ID and no signature
            "",
        })
        {
            Assert.StartsWith("line 4: a signature line reads", Refusal(Text + "\n— PeterNeumann " + bad + "\n"));
        }
        Assert.StartsWith("line 4:", Refusal(Text + "\n— Peter+Neumann " + sig + "\n"));
        Assert.StartsWith("line 4:", Refusal(Text + "\n—PeterNeumann " + sig + "\n"));
        Assert.StartsWith("line 4:", Refusal(Text + "\n- PeterNeumann " + sig + "\n"));
    }

    [Fact]
    public void RandomCorruptionIsRefusedOrFailsVerificationButNeverThrows()
    {
        var good = Encoding.UTF8.GetBytes(Text + "\n" + PeterSig + EnochSig);
        var keys = new[] { Key(PeterVkey), Key(EnochVkey) };
        var random = new Random(20260301);
        for (var i = 0; i < 3000; i++)
        {
            var bytes = (byte[])good.Clone();
            for (var k = random.Next(1, 4); k > 0; k--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }
            var parsed = SignedNote.Parse(bytes);
            if (parsed.Succeeded && !bytes.AsSpan().SequenceEqual(good))
            {
                var verified = parsed.Value!.Verify(keys);
                // A change can only survive in an ignored line (a signer renamed out of the known set).
                Assert.True(verified.Failure is not null || verified.Value!.Count < 2 || parsed.Value.ToString() == Encoding.UTF8.GetString(good),
                    Encoding.UTF8.GetString(bytes));
            }
        }
    }

    [Fact]
    public void TwoKnownKeysWithTheSameNameAndKeyIdAreAmbiguous()
    {
        // Two witness keys found by a birthday search on the 32-bit key ID.
        var first = Key("witness.example+f55ac177+BCgg4VKR3xHCOckFE01qfqC91XLA+RFuWecG6fr49MAV");
        var second = Key("witness.example+f55ac177+BL3uYI0hEZxIG8KwRoHTOMGwglSntrW8AyzaVdeHQ19S");
        var note = Note(Text + "\n" + PeterSig);
        Assert.Equal("two known keys share the name and key ID witness.example+f55ac177", Reason(note.Verify([Key(PeterVkey), first, second]).Failure));
        Assert.Single(note.Verify([Key(PeterVkey), first, Key(first.ToString())]).Value!);
    }

    [Fact]
    public void ATextThatCannotBeSignedIsAProgrammingError()
    {
        var signer = NoteSigner.Generate("log.example", NoteKeyType.Ed25519, TimeProvider.System);
        Assert.Throws<ArgumentException>(() => SignedNote.Sign("no final newline", signer));
        Assert.Throws<ArgumentException>(() => SignedNote.Sign("tab\there\n", signer));
        Assert.Throws<ArgumentException>(() => NoteSigner.Generate("two words", NoteKeyType.Ed25519, TimeProvider.System));
        var note = SignedNote.Sign("a\n\nb\n", signer);
        var reread = Note(note.ToString());
        Assert.Equal("a\n\nb\n", reread.Text);
        Assert.Single(reread.Verify([signer.Verifier]).Value!);
    }
}
