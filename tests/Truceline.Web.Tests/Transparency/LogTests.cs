using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Transparency;
using Truceline.Web.Tests.Infrastructure;
using Truceline.Web.Transparency;

namespace Truceline.Web.Tests.Transparency;

/// <summary>The log is the whole of what was published, so each test runs on an app of its own.</summary>
public sealed class LogTests
{
    private static string Key => TestApp.LogSigner.Verifier.ToString();

    private static async Task<(TestApp App, string Plan)> AppWithChangesAsync(string db, params string[] provisions)
    {
        var app = await TestApp.StartAsync(db);
        var plan = await app.ImportGazaPlanAsync(withHistory: false);
        await ChangeAsync(app, plan, provisions);
        return (app, plan);
    }

    private static async Task ChangeAsync(TestApp app, string plan, string[] provisions, string evidence = "Signed agreement text (simulated)")
    {
        using var coordinator = app.Client(Role.Coordinator);
        foreach (var code in provisions)
        {
            var id = await app.ProvisionIdAsync(plan, code);
            var response = await coordinator.PostAsync($"/api/v1/provisions/{id}/status",
                new StringContent(JsonSerializer.Serialize(new { status = 1, evidence = $"{evidence}: {code}" }), Encoding.UTF8, "application/json"));
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    private static async Task<string> SignAsync(TestApp app)
    {
        using var admin = app.Client(Role.Administrator);
        var response = await admin.PostAsync("/api/v1/log/checkpoints", null);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task TamperAsync(TestApp app, string sql)
    {
        await using var ctx = app.OpenDb();
        // The tables refuse updates and deletes; someone with the database's keys can drop that guard, as here.
        await ctx.Database.ExecuteSqlRawAsync(app.Database.Provider == Truceline.Data.DbProvider.Sqlite
            ? "DROP TRIGGER log_entries_no_update; DROP TRIGGER log_entries_no_delete; DROP TRIGGER log_nodes_no_update; DROP TRIGGER log_nodes_no_delete; "
              + "DROP TRIGGER log_checkpoints_no_update; DROP TRIGGER log_checkpoints_no_delete; DROP TRIGGER log_cosignatures_no_update; DROP TRIGGER log_cosignatures_no_delete;"
            : "DROP TRIGGER log_entries_append_only ON log_entries; DROP TRIGGER log_nodes_append_only ON log_nodes; DROP TRIGGER log_checkpoints_append_only ON log_checkpoints; "
              + "DROP TRIGGER log_cosignatures_append_only ON log_cosignatures;");
        await ctx.Database.ExecuteSqlRawAsync(sql);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task APublishedStatusChangeIsALeafWithProofsUnderASignedCheckpointAndVerifyAgreesEndToEnd(string db)
    {
        var (app, plan) = await AppWithChangesAsync(db, "P2-ISF-DEPLOY", "P2-YELLOW-LINE", "P2-GOVERNANCE");
        await using var _ = app;
        using var anonymous = app.Client();
        var entries = (await anonymous.GetFromJsonAsync<LogEntriesView>("/api/v1/log/entries?start=0&end=3", Json.Options))!;
        Assert.Equal(3, entries.Size);
        Assert.Equal([0L, 1, 2], entries.Entries.Select(e => e.Index));
        var first = entries.Entries[0];
        Assert.Equal("provision-status", first.Kind);
        Assert.True(CanonicalJson.IsCanonical(first.Body));
        var body = JsonNode.Parse(first.Body)!;
        Assert.Equal("P2-ISF-DEPLOY", (string?)body["content"]!["provision"]);
        Assert.Equal((0, 1), ((int)body["content"]!["fromStatus"]!, (int)body["content"]!["toStatus"]!));
        Assert.Equal("Signed agreement text (simulated): P2-ISF-DEPLOY", (string?)body["content"]!["evidence"]);
        Assert.True((bool)body["simulated"]!); // the shipped plan is marked simulated, and so is all it publishes
        Assert.Equal(Convert.ToBase64String(MerkleTree.LeafHash(Encoding.UTF8.GetBytes(first.Body))), first.LeafHash);

        // A signed checkpoint over the three, and proofs that check against it with nothing but the public key.
        var note = await SignAsync(app);
        Assert.Equal(note, await anonymous.GetStringAsync("/api/v1/log/checkpoint"));
        Assert.Equal(Key, (await anonymous.GetStringAsync("/api/v1/log/key")).Trim());
        var checkpoint = Checkpoint.Open(Encoding.UTF8.GetBytes(note), TestApp.LogSigner.Verifier, [], 0).Value!.Checkpoint;
        Assert.Equal(("truceline.test/log", 3L), (checkpoint.Origin, checkpoint.Size));
        foreach (var e in entries.Entries)
        {
            var proof = (await anonymous.GetFromJsonAsync<InclusionView>($"/api/v1/log/proof/inclusion?hash={Uri.EscapeDataString(e.LeafHash)}&size=3", Json.Options))!;
            Assert.True(MerkleTree.VerifyInclusion(e.Index, 3, Convert.FromBase64String(e.LeafHash), proof.Path.Select(Convert.FromBase64String).ToList(), checkpoint.RootHash));
        }
        var cached = await anonymous.GetAsync("/api/v1/log/proof/inclusion?index=1&size=3");
        Assert.Equal("public, max-age=31536000, immutable", cached.Headers.CacheControl!.ToString());

        // The log grows; the new checkpoint extends the old one, and verify says so, holding only the key and the old checkpoint.
        var saved = Path.Combine(Path.GetTempPath(), $"checkpoint-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(saved, note);
        await ChangeAsync(app, plan, ["P2-DISARM", "P2-TRADE"]);
        var newer = Checkpoint.Open(Encoding.UTF8.GetBytes(await SignAsync(app)), TestApp.LogSigner.Verifier, [], 0).Value!.Checkpoint;
        var consistency = (await anonymous.GetFromJsonAsync<ConsistencyView>("/api/v1/log/proof/consistency?from=3&to=5", Json.Options))!;
        Assert.True(MerkleTree.VerifyConsistency(3, 5, consistency.Path.Select(Convert.FromBase64String).ToList(), checkpoint.RootHash, newer.RootHash));
        var next = Path.Combine(Path.GetTempPath(), $"checkpoint-{Guid.NewGuid():N}.txt");
        var verified = await Executable.RunAsync("verify", "--log", app.Address.ToString(), "--key", Key, "--checkpoint", saved, "--save-checkpoint", next);
        Assert.True(verified.ExitCode == 0, verified.All);
        Assert.Contains("Verified: 5 entries, signed root, every published record as logged, consistent with your saved checkpoint.", verified.Output);
        Assert.Contains("truceline.test/log\n5\n", await File.ReadAllTextAsync(next));

        // Someone else's key is refused, and the refusal says whose signature was missing.
        var stranger = NoteSigner.Generate("truceline.test/log", NoteKeyType.Ed25519, TimeProvider.System).Verifier.ToString();
        var refused = await Executable.RunAsync("verify", "--log", app.Address.ToString(), "--key", stranger);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("the checkpoint does not verify against the key", refused.All);

        var bad = await ProblemAssert.IsProblem(await anonymous.GetAsync("/api/v1/log/proof/consistency?from=5&to=3"), HttpStatusCode.UnprocessableEntity);
        Assert.NotEmpty(bad.FieldErrors("from"));
        await ProblemAssert.IsProblem(await anonymous.GetAsync("/api/v1/log/entries?start=0&end=5000"), HttpStatusCode.UnprocessableEntity);
        // Only administrators sign on demand.
        await ProblemAssert.IsProblem(await app.Client(Role.Monitor).PostAsync("/api/v1/log/checkpoints", null), HttpStatusCode.Forbidden);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task NothingRestrictedReachesALeaf(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        var plan = await app.ImportGazaPlanAsync(withHistory: false);
        await using (var ctx = app.OpenDb())
        {
            var provision = await ctx.Provisions.SingleAsync(p => p.Code == "P2-WATER");
            provision.Classification = Classification.Restricted;
            await ctx.SaveChangesAsync();
        }
        await ChangeAsync(app, plan, ["P2-WATER", "P2-TRADE"]);
        var entries = (await app.Client().GetFromJsonAsync<LogEntriesView>("/api/v1/log/entries", Json.Options))!;
        Assert.Equal(["P2-TRADE"], entries.Entries.Select(e => (string?)JsonNode.Parse(e.Body)!["content"]!["provision"]));
        await using (var ctx = app.OpenDb())
        {
            // The restricted change exists, and is not a published record for anyone who asks.
            var restricted = await ctx.StatusChanges.Where(c => c.Evidence.EndsWith("P2-WATER")).Select(c => c.Id).SingleAsync();
            await ProblemAssert.IsProblem(await app.Client().GetAsync($"/api/v1/log/records/provision-status/{restricted}"), HttpStatusCode.NotFound);
        }
    }

    public static TheoryData<string, string, string> Tampering => new()
    {
        { "sqlite", "UPDATE log_entries SET body = replace(body, 'P2-YELLOW-LINE', 'P2-YELLOW-LINF') WHERE idx = 1", "entry 1 (provision-status" },
        { "postgres", "UPDATE log_entries SET body = replace(body, 'P2-YELLOW-LINE', 'P2-YELLOW-LINF') WHERE idx = 1", "entry 1 (provision-status" },
        { "sqlite", "DELETE FROM log_entries WHERE idx = 1", "entry 1 is missing" },
        { "postgres", "DELETE FROM log_entries WHERE idx = 1", "entry 1 is missing" },
        { "sqlite", "UPDATE log_entries SET idx = idx + 100 WHERE idx IN (0, 2); UPDATE log_entries SET idx = 2 WHERE idx = 100; UPDATE log_entries SET idx = 0 WHERE idx = 102;", "entry 0 (provision-status" },
        { "postgres", "UPDATE log_entries SET idx = idx + 100 WHERE idx IN (0, 2); UPDATE log_entries SET idx = 2 WHERE idx = 100; UPDATE log_entries SET idx = 0 WHERE idx = 102;", "entry 0 (provision-status" },
        { "sqlite", "UPDATE status_changes SET evidence = 'Quietly rewritten' WHERE evidence LIKE '%P2-GOVERNANCE'", "as published now differs from its latest entry 2" },
        { "postgres", "UPDATE status_changes SET evidence = 'Quietly rewritten' WHERE evidence LIKE '%P2-GOVERNANCE'", "as published now differs from its latest entry 2" },
    };

    [Theory, MemberData(nameof(Tampering))]
    public async Task VerifyCatchesEveryRowAlteredDeletedOrReorderedBehindTheLogsBack(string db, string tamper, string named)
    {
        var (app, _) = await AppWithChangesAsync(db, "P2-ISF-DEPLOY", "P2-YELLOW-LINE", "P2-GOVERNANCE");
        await using var _ = app;
        await SignAsync(app);
        var before = await Executable.RunAsync("verify", "--log", app.Address.ToString(), "--key", Key);
        Assert.True(before.ExitCode == 0, before.All);

        await TamperAsync(app, tamper);
        var after = await Executable.RunAsync("verify", "--log", app.Address.ToString(), "--key", Key);
        Assert.Equal(1, after.ExitCode);
        Assert.Contains("MISMATCH", after.Output);
        Assert.Contains(named, after.Output);
        Assert.Contains("The log does not verify", after.Output);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AnExportedBundleVerifiesOfflineAndEveryAlterationOfItIsCaught(string db)
    {
        var (app, plan) = await AppWithChangesAsync(db, "P2-ISF-DEPLOY", "P2-YELLOW-LINE", "P2-GOVERNANCE");
        var saved = Path.Combine(Path.GetTempPath(), $"checkpoint-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(saved, await SignAsync(app));
        await ChangeAsync(app, plan, ["P2-DISARM", "P2-TRADE"]);
        await SignAsync(app);
        var bundle = Path.Combine(Path.GetTempPath(), $"bundle-{Guid.NewGuid():N}.json");
        var exported = await Executable.RunAsync("log", "export", "--log", app.Address.ToString(), "--out", bundle);
        Assert.True(exported.ExitCode == 0, exported.All);
        Assert.Contains("Exported 5 entries and 5 records under the checkpoint of size 5", exported.Output);
        // Offline: the log is gone, and the bundle alone verifies, consistent with the checkpoint saved earlier.
        await app.DisposeAsync();
        var offline = await Executable.RunAsync("verify", "--bundle", bundle, "--key", Key, "--checkpoint", saved);
        Assert.True(offline.ExitCode == 0, offline.All);
        Assert.Contains("Verified: 5 entries, signed root, every published record as logged, consistent with your saved checkpoint.", offline.Output);
        var stranger = NoteSigner.Generate("truceline.test/log", NoteKeyType.Ed25519, TimeProvider.System).Verifier.ToString();
        var wrongKey = await Executable.RunAsync("verify", "--bundle", bundle, "--key", stranger);
        Assert.Equal(1, wrongKey.ExitCode);
        Assert.Contains("the checkpoint does not verify against the key", wrongKey.All);

        // Each alteration of the file is caught and named.
        async Task<string> AlteredAsync(Action<JsonObject> alter, params string[] extra)
        {
            var json = JsonNode.Parse(await File.ReadAllTextAsync(bundle))!.AsObject();
            alter(json);
            var file = Path.Combine(Path.GetTempPath(), $"altered-{Guid.NewGuid():N}.json");
            await File.WriteAllTextAsync(file, json.ToJsonString());
            var result = await Executable.RunAsync(["verify", "--bundle", file, "--key", Key, .. extra]);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("The log does not verify", result.Output);
            return result.Output;
        }
        static JsonObject Entry(JsonObject b, int i) => b["entries"]![i]!.AsObject();
        Assert.Contains("entry 1 (provision-status", await AlteredAsync(b => Entry(b, 1)["body"] = ((string)Entry(b, 1)["body"]!).Replace("P2-YELLOW-LINE", "P2-YELLOW-LINF")));
        var rehashed = await AlteredAsync(b =>
        {
            var body = ((string)Entry(b, 2)["body"]!).Replace("P2-GOVERNANCE", "P2-GOVERNANCF");
            Entry(b, 2)["body"] = body;
            Entry(b, 2)["leafHash"] = Convert.ToBase64String(MerkleTree.LeafHash(Encoding.UTF8.GetBytes(body)));
        });
        Assert.Contains("the entries do not make the signed root of size 5", rehashed);
        Assert.Contains("entry 2 is missing", await AlteredAsync(b => b["entries"]!.AsArray().RemoveAt(2)));
        Assert.Contains("as published when the bundle was made differs from its latest entry 3", await AlteredAsync(b =>
            b["records"]![3]!["content"] = ((string)b["records"]![3]!["content"]!).Replace("P2-DISARM", "P2-DISARN")));
        Assert.Contains("is no longer published", await AlteredAsync(b => b["records"]!.AsArray().RemoveAt(0)));
        Assert.Contains("claims an entry (99) beyond its checkpoint of size 5", await AlteredAsync(b =>
        {
            b["records"]![1]!["latestEntry"] = 99;
            b["records"]![1]!["content"] = "{}";
        }));
        Assert.Contains("entry 4 is served twice", await AlteredAsync(b => b["entries"]!.AsArray().Add(Entry(b, 4).DeepClone())));
        Assert.Contains("holds 1 entries beyond the checkpoint's size of 5", await AlteredAsync(b =>
        {
            var extra = Entry(b, 4).DeepClone().AsObject();
            extra["index"] = 5;
            b["entries"]!.AsArray().Add(extra);
        }));
        // Without the key the reader holds, a bundle proves nothing: its own key could be anyone's.
        var keyless = await Executable.RunAsync("verify", "--bundle", bundle);
        Assert.Equal(1, keyless.ExitCode);
        Assert.Contains("--key is required with --bundle", keyless.All);
        // A checkpoint of another history, signed with the log's own key: the bundle does not extend it, and verify says so.
        var forked = SignedNote.Sign(new Checkpoint("truceline.test/log", 3, new byte[32]).ToString(), TestApp.LogSigner).ToString();
        var notExtending = await Executable.RunAsync("verify", "--bundle", bundle, "--key", Key, "--checkpoint", await WriteTempAsync(forked));
        Assert.Equal(1, notExtending.ExitCode);
        Assert.Contains("the log was rewritten since the checkpoint you saved (size 3)", notExtending.Output);

        // Files that are not bundles: refused with a reason, never a crash.
        foreach (var (content, says) in new[]
        {
            ("{\"format\":\"truceline-log-bundle/1\",\"entries\":[", "is not a readable bundle"),
            ("{\"format\":\"something-else\"}", "is not a truceline-log-bundle/1 file"),
            (new string('[', 100_000), "is not a readable bundle"),
            ("{\"format\":\"truceline-log-bundle/1\"}", "lacks its checkpoint, entries or records"),
            ("{\"format\":\"truceline-log-bundle/1\",\"checkpoint\":\"x\",\"entries\":[],\"records\":[null]}", "has an empty entry or record"),
        })
        {
            var refused = await Executable.RunAsync("verify", "--bundle", await WriteTempAsync(content), "--key", Key);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains(says, refused.All);
        }
        var both = await Executable.RunAsync("verify", "--bundle", bundle, "--log", "http://127.0.0.1:1", "--key", Key);
        Assert.Equal(1, both.ExitCode);
        Assert.Contains("give either --log", both.All);
    }

    private static async Task<string> WriteTempAsync(string content)
    {
        var file = Path.Combine(Path.GetTempPath(), $"file-{Guid.NewGuid():N}");
        await File.WriteAllTextAsync(file, content);
        return file;
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ALogRewrittenAndReSignedWithItsOwnKeyIsCaughtByAnyoneWhoKeptAnOldCheckpoint(string db)
    {
        var (app, plan) = await AppWithChangesAsync(db, "P2-ISF-DEPLOY", "P2-YELLOW-LINE", "P2-GOVERNANCE");
        await using var _ = app;
        var saved = Path.Combine(Path.GetTempPath(), $"checkpoint-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(saved, await SignAsync(app));

        // The operator throws the log away and publishes another history, signed with the real key.
        await TamperAsync(app, "DELETE FROM log_checkpoints; DELETE FROM log_nodes; DELETE FROM log_entries;");
        await ChangeAsync(app, plan, ["P2-INFRA", "P2-ENERGY", "P2-WATER", "P2-FUNDING"], "Another story");
        await SignAsync(app);
        var alone = await Executable.RunAsync("verify", "--log", app.Address.ToString(), "--key", Key);
        Assert.True(alone.ExitCode == 0, alone.All); // on its own, the new history is a consistent, signed log…
        var withSaved = await Executable.RunAsync("verify", "--log", app.Address.ToString(), "--key", Key, "--checkpoint", saved);
        Assert.Equal(1, withSaved.ExitCode); // …but not one that extends what was published before
        Assert.Contains("the log was rewritten since the checkpoint you saved (size 3)", withSaved.Output);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AWitnessCosignsOnlyACheckpointThatExtendsTheLastOneItCosigned(string db)
    {
        var (app, plan) = await AppWithChangesAsync(db, "P2-ISF-DEPLOY", "P2-YELLOW-LINE", "P2-GOVERNANCE");
        await using var _ = app;
        await SignAsync(app);
        var address = app.Address.ToString();
        var keyFile = Path.Combine(Path.GetTempPath(), $"witness-{Guid.NewGuid():N}.key");
        string[] witness = ["witness", "--log", address, "--log-key", Key, "--key-file", keyFile];
        var made = await Executable.RunAsync([.. witness, "--name", "mediator.test/witness"]);
        Assert.True(made.ExitCode == 0, made.All);
        var vkey = made.Output.Trim().Split('\n')[^1].Trim();
        Assert.StartsWith("mediator.test/witness+", vkey);

        // Until an administrator registers its key, the log keeps none of its cosignatures.
        var unregistered = await Executable.RunAsync(witness);
        Assert.Equal(1, unregistered.ExitCode);
        Assert.Contains("is not a registered witness of this log", unregistered.Output);
        using var admin = app.Client(Role.Administrator);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("/api/v1/log/witnesses", new { vkey, organisation = "Mediator (simulated)" })).StatusCode);
        var notWitness = await ProblemAssert.IsProblem(await admin.PostAsJsonAsync("/api/v1/log/witnesses", new { vkey = Key, organisation = "The log itself" }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("cosignature/v1", notWitness.FieldErrors("vkey").Single());
        await ProblemAssert.IsProblem(await app.Client(Role.Coordinator).PostAsJsonAsync("/api/v1/log/witnesses", new { vkey, organisation = "x" }), HttpStatusCode.Forbidden);

        // The refused attempt still counts as signed for the witness: it remembers what it cosigned before sending it.
        var first = await Executable.RunAsync(witness);
        Assert.True(first.ExitCode == 0, first.All);
        Assert.Contains("Cosigned the checkpoint of size 3, consistent with the last one cosigned.", first.Output);
        using var anonymous = app.Client();
        Assert.Contains("\n— mediator.test/witness ", await anonymous.GetStringAsync("/api/v1/log/checkpoint"));
        var listed = Assert.Single((await anonymous.GetFromJsonAsync<List<WitnessView>>("/api/v1/log/witnesses", Json.Options))!);
        Assert.Equal(("Mediator (simulated)", 3L), (listed.Organisation, listed.LastCosignedSize));
        var verified = await Executable.RunAsync("verify", "--log", address, "--key", Key, "--witness", vkey);
        Assert.True(verified.ExitCode == 0, verified.All);
        Assert.Contains("Cosigned by mediator.test/witness.", verified.Output);

        // The log grows: the witness checks the new tree extends the old one, and cosigns again.
        await ChangeAsync(app, plan, ["P2-DISARM"]);
        await SignAsync(app);
        var second = await Executable.RunAsync(witness);
        Assert.True(second.ExitCode == 0, second.All);
        Assert.Contains("Cosigned the checkpoint of size 4, consistent with the last one cosigned.", second.Output);

        // The operator rewrites the log and signs the new history with the log's own key: the witness refuses it, so a
        // reader who requires the witness's cosignature refuses it too.
        await TamperAsync(app, "DELETE FROM log_cosignatures; DELETE FROM log_checkpoints; DELETE FROM log_nodes; DELETE FROM log_entries;");
        await ChangeAsync(app, plan, ["P2-INFRA", "P2-ENERGY", "P2-WATER", "P2-FUNDING", "P2-TRADE"], "Another story");
        await SignAsync(app);
        var refused = await Executable.RunAsync(witness);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("REFUSED: the checkpoint of size 5 is not consistent with the checkpoint of size 4 this witness last cosigned", refused.Output);
        Assert.DoesNotContain("— mediator.test/witness ", await anonymous.GetStringAsync("/api/v1/log/checkpoint"));
        var unwitnessed = await Executable.RunAsync("verify", "--log", address, "--key", Key, "--witness", vkey);
        Assert.Equal(1, unwitnessed.ExitCode);
        Assert.Contains("cosigned by 0 of the 1 known witnesses; 1 needed", unwitnessed.All);

        var junk = await ProblemAssert.IsProblem(await anonymous.PostAsJsonAsync("/api/v1/log/cosignatures", new { size = 5, signature = "— mediator.test/witness AAAA" }),
            HttpStatusCode.UnprocessableEntity);
        Assert.NotEmpty(junk.FieldErrors("signature"));
        // A well-formed line in the witness's name and key ID, over the new checkpoint, but with one byte of the signature changed.
        var signer = NoteSigner.Parse((await File.ReadAllTextAsync(keyFile)).Trim(), TimeProvider.System).Value!;
        var current = SignedNote.Parse(Encoding.UTF8.GetBytes(await anonymous.GetStringAsync("/api/v1/log/checkpoint"))).Value!.AddSignature(signer);
        var line = current.Signatures.Last().ToString();
        var raw = Convert.FromBase64String(line[(line.LastIndexOf(' ') + 1)..]);
        raw[^1] ^= 0x01;
        var forged = await ProblemAssert.IsProblem(await anonymous.PostAsJsonAsync("/api/v1/log/cosignatures",
            new { size = 5, signature = line[..(line.LastIndexOf(' ') + 1)] + Convert.ToBase64String(raw) }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("does not verify as mediator.test/witness's cosignature", forged.FieldErrors("signature").Single());
        Assert.DoesNotContain("— mediator.test/witness ", await anonymous.GetStringAsync("/api/v1/log/checkpoint"));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ObservationsAndDailyAidTotalsArePublishedAndALaterChangeIsACorrectionNotARewrite(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        await app.EnsureCrossingsAsync();
        var plan = await app.ImportGazaPlanAsync(withHistory: false);
        var provision = await app.ProvisionIdAsync(plan, "P1-AID");
        using var admin = app.Client(Role.Administrator);
        var metric = (await admin.GetFromJsonAsync<Truceline.Web.Plans.ProvisionDetail>($"/api/v1/provisions/{provision}", Json.Options))!.Metrics[0];
        using var monitor = app.Client(Role.Monitor);
        var recorded = await monitor.PostAsJsonAsync($"/api/v1/metrics/{metric.Id}/observations", new { observedOn = "2026-11-20", value = 412.5, source = "Crossing counts (simulated)" });
        Assert.True(recorded.IsSuccessStatusCode, await recorded.Content.ReadAsStringAsync());
        var observation = JsonNode.Parse(await recorded.Content.ReadAsStringAsync())!["id"]!.GetValue<Guid>();
        using var verifier = app.Client(Role.Verifier);
        Assert.True((await verifier.PutAsJsonAsync($"/api/v1/observations/{observation}/verification", new { verification = "verified" })).IsSuccessStatusCode);

        // A consignment offloaded yesterday; then another, recorded late for the same day.
        using var agency = app.Client(Role.Agency);
        async Task OffloadAsync(string reference)
        {
            var c = await Truceline.Web.Tests.Aid.ConsignmentTests.RegisterAsync(agency, reference, "2026-11-19T06:00:00Z");
            foreach (var (stage, at) in new[] { ("cleared", "2026-11-19T12:00:00Z"), ("arrived-at-crossing", "2026-11-20T06:00:00Z"), ("offloaded", "2026-11-20T08:00:00Z") })
            {
                Assert.Equal(HttpStatusCode.Created, (await Truceline.Web.Tests.Aid.ConsignmentTests.MoveAsync(agency, c.Id, stage, at)).StatusCode);
            }
        }
        await OffloadAsync("LOG-1");
        await SignAsync(app);
        await OffloadAsync("LOG-2");
        await SignAsync(app);
        await SignAsync(app); // nothing changed: no new leaf

        using var anonymous = app.Client();
        var entries = (await anonymous.GetFromJsonAsync<LogEntriesView>("/api/v1/log/entries", Json.Options))!.Entries;
        Assert.Equal(["metric-observation", "metric-observation", "aid-daily", "aid-daily"], entries.Select(e => e.Kind));
        var first = JsonNode.Parse(entries[0].Body)!["content"]!;
        Assert.Equal(("412.5", "unverified"), ((string?)first["value"], (string?)first["verification"]));
        Assert.Equal((observation.ToString(), (long?)0), (entries[1].Record, entries[1].Corrects));
        Assert.Equal("verified", (string?)JsonNode.Parse(entries[1].Body)!["content"]!["verification"]);
        Assert.Equal(("2026-11-20", (long?)null), (entries[2].Record, entries[2].Corrects));
        Assert.Equal("12", (string?)JsonNode.Parse(entries[2].Body)!["content"]!["trucksEntered"]);
        Assert.Equal("24", (string?)JsonNode.Parse(entries[3].Body)!["content"]!["trucksEntered"]);
        Assert.Equal("24", (string?)JsonNode.Parse(entries[3].Body)!["content"]!["trucksByCrossing"]!["Kerem Shalom"]);
        Assert.Equal((long?)2, entries[3].Corrects);
        // The day's figure on the public page links to the log entry that publishes it.
        Assert.Contains("href=\"/log/entries/3\"", await anonymous.GetStringAsync("/aid/daily?stage=offloaded&from=2026-11-20&to=2026-11-20"));

        var verified = await Executable.RunAsync("verify", "--log", app.Address.ToString(), "--key", Key);
        Assert.True(verified.ExitCode == 0, verified.All);
        Assert.Contains("Verified: 4 entries", verified.Output);

        // Disputed after the last checkpoint: the correction is in the log but not yet under a signature. Verify says so,
        // and does not call the record changed.
        Assert.True((await verifier.PutAsJsonAsync($"/api/v1/observations/{observation}/verification", new { verification = "disputed" })).IsSuccessStatusCode);
        var between = await Executable.RunAsync("verify", "--log", app.Address.ToString(), "--key", Key);
        Assert.True(between.ExitCode == 0, between.All);
        Assert.Contains($"record metric-observation {observation} has a correction newer than this checkpoint (entry 4)", between.Output);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task LeavesAppendedInBatchesOfEverySizeMakeTheSameTreeAsRfc9162(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        await using var ctx = app.OpenDb();
        var all = new List<byte[]>();
        var n = 0;
        foreach (var batch in new[] { 1, 2, 3, 5, 8, 13, 1, 31, 64 })
        {
            await using (var tx = await Truceline.Data.Writes.BeginAsync(ctx))
            {
                var items = Enumerable.Range(n, batch).Select(i => new TransparencyLog.Item("test", $"r{i}", new JsonObject { ["i"] = i }, Simulated: true)).ToList();
                var published = await TransparencyLog.AppendManyAsync(ctx, items, app.Clock.GetUtcNow().UtcDateTime, default);
                Assert.Equal(Enumerable.Range(n, batch).Select(i => (long)i), published.Select(p => p.Index));
                all.AddRange(published.Select(p => Convert.FromBase64String(p.LeafHash)));
                await tx.CommitAsync();
            }
            n += batch;
            Assert.Equal(Convert.ToBase64String(MerkleTree.Root(all)), Convert.ToBase64String(await TransparencyLog.RootAsync(ctx, n, default)));
            // An earlier size's root, from the subtrees stored since, is still the root of that prefix.
            if (n / 2 is var k and > 0)
            {
                Assert.Equal(Convert.ToBase64String(MerkleTree.Root(all.Take(k).ToList())), Convert.ToBase64String(await TransparencyLog.RootAsync(ctx, k, default)));
            }
        }
    }

    /// <summary>A status change written straight to the tables, as a Truceline from before the log did: a public record
    /// with no leaf.</summary>
    internal static async Task RecordUnpublishedChangeAsync(Truceline.Data.TrucelineDb ctx, string provisionCode)
    {
        var provision = await ctx.Provisions.IgnoreQueryFilters().Where(p => p.Code == provisionCode).OrderByDescending(p => p.Id).FirstAsync();
        ctx.StatusChanges.Add(new Truceline.Plans.StatusChange
        {
            ProvisionId = provision.Id, Ordinal = 100, FromStatus = provision.Status, ToStatus = 1, EffectiveOn = new DateOnly(2026, 1, 5),
            Evidence = $"Recorded before the log (simulated): {provisionCode}", RecordedBy = "an earlier version", RecordedAt = DateTime.UtcNow,
        });
        await ctx.SaveChangesAsync();
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task APlanImportedWithItsHistoryPublishesItAndRecordsMadeBeforeTheLogArePublishedOnceByPublishExisting(string db)
    {
        var target = Databases.Fresh(db);
        await Truceline.Data.Migrator.MigrateAsync(target);
        var plan = await Executable.RunAsync("plan", "import", TestFiles.GazaPlan, "--db", target.ConnectionString);
        Assert.True(plan.ExitCode == 0, plan.All);
        int history;
        await using (var ctx = target.CreateContext(TimeProvider.System))
        {
            ctx.Viewer = Viewer.System("test");
            // The shipped plan's history is in the log from the import: status changes (every provision is public) and
            // observations (one metric is restricted, and its observations stay out), each once, in recorded order.
            history = await ctx.StatusChanges.CountAsync() + await ctx.Observations.CountAsync(o => o.Classification == Classification.Public);
            Assert.True(await ctx.Observations.CountAsync(o => o.Classification != Classification.Public) > 0);
            var kinds = await ctx.LogEntries.OrderBy(e => e.Index).Select(e => e.Kind).ToListAsync();
            Assert.Equal(history, kinds.Count);
            Assert.Equal(await ctx.StatusChanges.CountAsync(), kinds.TakeWhile(k => k == "provision-status").Count());
            Assert.All(kinds.SkipWhile(k => k == "provision-status"), k => Assert.Equal("metric-observation", k));
            // Then a change made by an earlier version, before the log existed.
            await RecordUnpublishedChangeAsync(ctx, "P2-TRADE");
        }
        Assert.True(history > 20);
        // The command line never makes a signing key of its own: it signs with the server's, or not at all.
        var keyless = await Executable.RunAsync(new Dictionary<string, string> { ["TRUCELINE_LOG_KEY_FILE"] = Path.Combine(Path.GetTempPath(), $"none-{Guid.NewGuid():N}.key") },
            "log", "publish-existing", "--db", target.ConnectionString);
        Assert.Equal(1, keyless.ExitCode);
        Assert.Contains("there is no log key at", keyless.All);
        var keyFile = Path.Combine(Path.GetTempPath(), $"log-{Guid.NewGuid():N}.key");
        await File.WriteAllTextAsync(keyFile, TestApp.LogSigner.ToSignerKey());
        var withKey = new Dictionary<string, string> { ["TRUCELINE_LOG_KEY_FILE"] = keyFile };
        var first = await Executable.RunAsync(withKey, "log", "publish-existing", "--db", target.ConnectionString);
        Assert.True(first.ExitCode == 0, first.All);
        Assert.Contains($"Published 1 record(s); the log holds {history + 1}", first.Output);
        var again = await Executable.RunAsync(withKey, "log", "publish-existing", "--db", target.ConnectionString);
        Assert.Contains($"Published 0 record(s); the log holds {history + 1}", again.Output);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task APublicIncidentsConclusionIsPublishedWithItsFindingsAndItsPlaceRoundedAndNothingBefore(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        await app.EnsureGovernoratesAsync();
        await app.ImportGazaPlanAsync(withHistory: false);
        using var coordinator = app.Client(Role.Coordinator);
        var report = await coordinator.PostAsync("/api/v1/reports", new StringContent(
            "{\"sourceType\":\"media\",\"occurredOn\":\"2026-11-01\",\"latitude\":31.34567,\"longitude\":34.30123,\"eventType\":\"Shelling\",\"allegedParties\":[\"israel\"],\"classification\":\"public\"}",
            Encoding.UTF8, "application/json"));
        Assert.True(report.IsSuccessStatusCode, await report.Content.ReadAsStringAsync());
        var reportId = JsonNode.Parse(await report.Content.ReadAsStringAsync())!["id"]!.GetValue<Guid>();
        await coordinator.PostAsync("/api/v1/incidents/grouping", null);
        Guid id;
        await using (var ctx = app.OpenDb())
        {
            id = (await ctx.Reports.SingleAsync(r => r.Id == reportId)).IncidentId!.Value;
            Assert.Equal(Classification.Public, (await ctx.Incidents.SingleAsync(i => i.Id == id)).Classification);
            Assert.True((await Truceline.Web.Access.Accounts.AddUserAsync(ctx, new Truceline.Web.Access.Accounts.NewUser("second-mission@test.example", "Ana Verifier", "verifier", "Second mission (simulated)", TestApp.Password), app.Clock)).Succeeded);
        }
        StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");
        Assert.True((await coordinator.PostAsync($"/api/v1/incidents/{id}/transitions", Body("{\"state\":\"underReview\",\"reason\":\"a report\"}"))).IsSuccessStatusCode);
        using var first = app.Client(Role.Verifier);
        Assert.Equal(HttpStatusCode.Created, (await first.PostAsync($"/api/v1/incidents/{id}/findings",
            Body("{\"conclusion\":\"verified\",\"violation\":\"Artillery fire across the line (simulated)\",\"provisions\":[\"P1-CEASEFIRE\"],\"responsibleParty\":\"israel\"}"))).StatusCode);
        using var second = app.Client();
        await using (var ctx = app.OpenDb())
        {
            second.DefaultRequestHeaders.Authorization = new("Bearer", (await Truceline.Web.Access.Accounts.CreateTokenAsync(ctx, "second-mission@test.example", "t", null, app.Clock)).Value!.Token);
        }
        Assert.Equal(HttpStatusCode.Created, (await second.PostAsync($"/api/v1/incidents/{id}/findings",
            Body("{\"conclusion\":\"verified\",\"violation\":\"Confirmed on site (simulated)\",\"responsibleParty\":\"undetermined\",\"dissent\":\"Attribution unclear\"}"))).StatusCode);
        using var anonymous = app.Client();
        // Under review and found, but not yet concluded: nothing is published.
        Assert.Empty((await anonymous.GetFromJsonAsync<LogEntriesView>("/api/v1/log/entries", Json.Options))!.Entries);

        Assert.True((await coordinator.PostAsync($"/api/v1/incidents/{id}/transitions", Body("{\"state\":\"verified\",\"reason\":\"quorum reached\"}"))).IsSuccessStatusCode);
        var entry = Assert.Single((await anonymous.GetFromJsonAsync<LogEntriesView>("/api/v1/log/entries", Json.Options))!.Entries);
        Assert.Equal(("incident-conclusion", id.ToString()), (entry.Kind, entry.Record));
        var content = JsonNode.Parse(entry.Body)!["content"]!;
        Assert.Equal(("verified", "31.35", "34.30", "PS0270"), ((string?)content["state"], (string?)content["latitude"], (string?)content["longitude"], (string?)content["governorate"]));
        Assert.Equal(["Participating test organisation", "Second mission (simulated)"], content["findings"]!.AsArray().Select(f => (string?)f!["organisation"]));
        Assert.Equal("Attribution unclear", (string?)content["findings"]![1]!["dissent"]);
        Assert.DoesNotContain("31.34567", entry.Body);
        Assert.DoesNotContain("Ana Verifier", entry.Body);
        Assert.DoesNotContain(TestApp.Email(Role.Verifier), entry.Body);

        await SignAsync(app);
        var verified = await Executable.RunAsync("verify", "--log", app.Address.ToString(), "--key", Key);
        Assert.True(verified.ExitCode == 0, verified.All);

        // Open data: the incident as a GeoJSON point at its rounded place, linked to its log entry.
        var geo = JsonNode.Parse(await anonymous.GetStringAsync("/api/v1/open/incident-conclusion.geojson"))!;
        var feature = Assert.Single(geo["features"]!.AsArray())!;
        Assert.Equal("[34.3,31.35]", feature["geometry"]!["coordinates"]!.ToJsonString());
        Assert.Equal((0L, 2), ((long)feature["properties"]!["entry"]!, feature["properties"]!["findings"]!.AsArray().Count));

        // The portal shows the same published record: findings by organisation, the place rounded, a link to the entry; counted by day.
        var portal = WebUtility.HtmlDecode(await anonymous.GetStringAsync("/public/incidents?from=2026-11-01&to=2026-11-01"));
        Assert.Contains("<a href=\"/log/entries/0\" data-testid=\"incident-log-link\">Log entry #0</a>", portal);
        Assert.Contains("Finding of <strong>Second mission (simulated)</strong>: Verified · Confirmed on site (simulated) · responsible: undetermined · dissent: Attribution unclear", portal);
        Assert.Contains("\"lat\":31.35,\"lon\":34.3", portal);
        Assert.Contains("<strong>1</strong> incidents", portal);
        Assert.DoesNotContain("31.34567", portal);
        Assert.DoesNotContain("Ana Verifier", portal);
        Assert.Contains("No concluded incident has been published for this period.", await anonymous.GetStringAsync("/public/incidents?from=2026-10-01&to=2026-10-02"));
        // Any dates a visitor types are answered, not a 500.
        foreach (var range in new[] { "from=0001-01-01&to=9999-12-31", "from=0001-01-02&to=0001-01-01", "from=9999-12-31" })
        {
            var page = await anonymous.GetAsync($"/public/incidents?{range}");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("data-testid=\"public-total\"", await page.Content.ReadAsStringAsync());
        }
        var arabic = WebUtility.HtmlDecode(await anonymous.GetStringAsync("/public/incidents?from=2026-11-01&to=2026-11-01&lang=ar"));
        var ar = JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(TestFiles.Root, "src", "Truceline.Web", "Languages", "ar.json")))!;
        Assert.Contains($"<span class=\"state verified\">{ar["Verified"]}</span>", arabic);
        var record = await new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.Address }.GetAsync($"/log/records/incident-conclusion/{id}");
        Assert.Equal("/log/entries/0", record.Headers.Location!.OriginalString);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task OpenDataIsTheLatestLogEntryOfEachRecordAsCsvWithHxlAndJsonTaggedByTheLogsSize(string db)
    {
        var (app, plan) = await AppWithChangesAsync(db, "P2-ISF-DEPLOY", "P2-YELLOW-LINE");
        await using var _ = app;
        using var anonymous = app.Client();
        var index = JsonNode.Parse(await anonymous.GetStringAsync("/api/v1/open"))!;
        Assert.Equal("CC BY 4.0", (string?)index["licence"]);
        Assert.Contains("provision-status", index["datasets"]!.AsArray().Select(d => (string?)d!["name"]));

        var csv = await anonymous.GetAsync("/api/v1/open/provision-status.csv");
        Assert.Equal("\"log-2\"", csv.Headers.ETag!.Tag);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType!.MediaType);
        var lines = (await csv.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("entry,record,published_at,simulated,agreement,provision,title,fromStatus,toStatus,effectiveOn,evidence,source", lines[0]);
        Assert.StartsWith("#meta+log+entry,#meta+id,#date+published,#meta+simulated,", lines[1]);
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("0,", lines[2]);
        Assert.Contains(",P2-ISF-DEPLOY,", lines[2]);
        Assert.Contains(",true,", lines[2]);

        // Unchanged since: answered 304 from the tag. A new leaf changes the tag and the data at once.
        var again = new HttpRequestMessage(HttpMethod.Get, "/api/v1/open/provision-status.csv");
        again.Headers.IfNoneMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"log-2\""));
        Assert.Equal(HttpStatusCode.NotModified, (await anonymous.SendAsync(again)).StatusCode);
        await ChangeAsync(app, plan, ["P2-DISARM"]);
        var json = await anonymous.GetAsync("/api/v1/open/provision-status.json");
        Assert.Equal("\"log-3\"", json.Headers.ETag!.Tag);
        var rows = JsonNode.Parse(await json.Content.ReadAsStringAsync())!["rows"]!.AsArray();
        Assert.Equal(["P2-ISF-DEPLOY", "P2-YELLOW-LINE", "P2-DISARM"], rows.Select(r => (string?)r!["provision"]));
        Assert.Equal("#status", (string?)JsonNode.Parse(await (await anonymous.GetAsync("/api/v1/open/provision-status.json")).Content.ReadAsStringAsync())!["hxl"]!["toStatus"]);

        await ProblemAssert.IsProblem(await anonymous.GetAsync("/api/v1/open/provision-status.geojson"), HttpStatusCode.UnprocessableEntity);
        await ProblemAssert.IsProblem(await anonymous.GetAsync("/api/v1/open/secrets.csv"), HttpStatusCode.NotFound);
    }
}
