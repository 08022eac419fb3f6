using System.CommandLine;
using Truceline.Transparency;
using Truceline.Web.Transparency;

namespace Truceline.Web.Cli;

public static partial class TrucelineCli
{
    private static Command Verify()
    {
        var log = new Option<string?>("--log") { Description = "The log's address (the Truceline site, e.g. https://truceline.example)" };
        var bundle = new Option<FileInfo?>("--bundle") { Description = "Verify a bundle made by 'truceline log export' instead, offline" };
        var key = new Option<string?>("--key") { Description = "The log's public key as you hold it (name+keyid+base64); without it, the key the log serves is trusted" };
        var saved = new Option<FileInfo?>("--checkpoint") { Description = "A checkpoint you saved earlier: the log must still extend it" };
        var save = new Option<FileInfo?>("--save-checkpoint") { Description = "Save the checkpoint just verified, to check against next time" };
        var witnesses = new Option<string[]>("--witness") { Description = "A witness's key (repeat for several): the checkpoint must carry its cosignature", AllowMultipleArgumentsPerToken = false };
        var quorum = new Option<int?>("--quorum") { Description = "How many of the --witness keys must have cosigned (default: 1 if any are given)" };
        var cmd = new Command("verify", "Check a transparency log (over HTTP, or a bundle exported from it): its signature, every entry, its records as published, and that it extends a saved checkpoint. Exits 1 on any mismatch, naming the entry.")
        {
            log, bundle, key, saved, save, witnesses, quorum,
        };
        cmd.SetAction(async (r, ct) =>
        {
            NoteVerifierKey? trusted = null;
            if (r.GetValue(key) is { } text)
            {
                var parsed = NoteVerifierKey.Parse(text.Trim());
                if (!parsed.Succeeded)
                {
                    return Fail($"--key: {parsed.Failure!.Detail}");
                }
                trusted = parsed.Value!;
            }
            var earlier = r.GetValue(saved) is { } file ? await File.ReadAllTextAsync(file.FullName, ct) : null;
            var witnessKeys = new List<NoteVerifierKey>();
            foreach (var w in r.GetValue(witnesses) ?? [])
            {
                var parsed = NoteVerifierKey.Parse(w.Trim());
                if (!parsed.Succeeded)
                {
                    return Fail($"--witness: {parsed.Failure!.Detail}");
                }
                witnessKeys.Add(parsed.Value!);
            }
            var needed = r.GetValue(quorum) ?? (witnessKeys.Count > 0 ? 1 : 0);
            if (needed < 0 || needed > witnessKeys.Count)
            {
                return Fail($"--quorum: give from 0 to the number of --witness keys ({witnessKeys.Count})");
            }
            if ((r.GetValue(log) is null) == (r.GetValue(bundle) is null))
            {
                return Fail("give either --log (the log's address) or --bundle (a file made by 'truceline log export')");
            }
            ILogSource source;
            HttpClient? http = null;
            if (r.GetValue(bundle) is { } bundleFile)
            {
                if (trusted is null)
                {
                    // A bundle carries a key, but anyone can make a bundle with a key of their own: it proves nothing.
                    return Fail("--key is required with --bundle: give the log's key as you hold it, not the one in the file");
                }
                var read = await LogBundle.ReadAsync(bundleFile.FullName, ct);
                if (!read.Succeeded)
                {
                    return Fail($"--bundle: {read.Failure!.Errors!["bundle"][0]}");
                }
                source = read.Value!.AsSource();
                Console.WriteLine($"note: verifying the bundle of {read.Value.Log} exported at {read.Value.ExportedAt:yyyy-MM-dd HH:mm} UTC; its records are as published then.");
            }
            else if (!Uri.TryCreate(r.GetValue(log), UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            {
                return Fail("--log: give the log's http(s) address");
            }
            else
            {
                http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
                source = new HttpLogSource(http);
            }
            using var _ = http;
            LogVerifier.Verdict verdict;
            try
            {
                verdict = await new LogVerifier(source).RunAsync(trusted, earlier, witnessKeys, needed, ct);
            }
            catch (HttpRequestException e)
            {
                return Fail($"could not read the log at {http?.BaseAddress}: {e.Message}");
            }
            catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException)
            {
                Console.WriteLine($"MISMATCH: the log answered with something that is not what its API promises: {e.Message}");
                Console.WriteLine("The log does not verify (1 problem(s)).");
                return 1;
            }
            foreach (var n in verdict.Notes)
            {
                Console.WriteLine($"note: {n}");
            }
            if (!verdict.Intact)
            {
                foreach (var p in verdict.Problems)
                {
                    // Plain lines, unwrapped: a verdict is read by scripts as well as people.
                    Console.WriteLine($"MISMATCH: {p}");
                }
                Console.WriteLine($"The log does not verify ({verdict.Problems.Count} problem(s)).");
                return 1;
            }
            if (r.GetValue(save) is { } target && verdict.Checkpoint is { } note)
            {
                await File.WriteAllTextAsync(target.FullName, note, ct);
            }
            Console.WriteLine($"Verified: {verdict.Size} entries, signed root, every published record as logged{(earlier is null ? "" : ", consistent with your saved checkpoint")}.");
            return 0;
        });
        return cmd;
    }

    private static Command LogPublishExisting()
    {
        var cmd = new Command("publish-existing", "Publish into the transparency log the public records made before it existed (or that missed it), once each, and sign a checkpoint");
        cmd.SetAction(async (r, ct) =>
        {
            var target = Target(r);
            if (!await EnsureMigratedAsync(target, ct))
            {
                return 1;
            }
            // Checked before anything is published: without the server's key there is nothing this command should do.
            if (LogKey.Existing(target.LogKeyFile, TimeProvider.System) is not { } signer)
            {
                return Fail($"there is no log key at {target.LogKeyFile}: 'truceline serve' makes it on first start (or set TRUCELINE_LOG_KEY_FILE to where it is)");
            }
            await using var db = OpenAsSystem(target);
            var published = await Truceline.Data.Writes.InTransactionAsync(db, async () =>
                new Truceline.Common.Outcome<int>(await Publications.ExistingAsync(db, TimeProvider.System.GetUtcNow().UtcDateTime, ct), null), ct);
            var checkpoint = await PublishCheckpoint.RunAsync(db, signer, TimeProvider.System, ct);
            Console.WriteLine($"Published {published.Value} record(s); the log holds {checkpoint.Size}, under a checkpoint signed now.");
            return 0;
        });
        return cmd;
    }

    private static Command LogExport()
    {
        var log = new Option<string>("--log") { Description = "The log's address", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "The bundle file to write", Required = true };
        var cmd = new Command("export", "Save a log's signed checkpoint, every entry and every published record to one file, to verify offline later with 'truceline verify --bundle'")
        {
            log, output,
        };
        cmd.SetAction(async (r, ct) =>
        {
            if (!Uri.TryCreate(r.GetValue(log), UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            {
                return Fail("--log: give the log's http(s) address");
            }
            using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
            LogBundle bundle;
            try
            {
                bundle = await Spectre.Console.AnsiConsole.Progress().StartAsync(async progress =>
                {
                    var task = progress.AddTask("Reading the log's entries");
                    return await LogBundle.ExportAsync(new HttpLogSource(http), address.ToString(), TimeProvider.System,
                        new Progress<(long Done, long Total)>(p => { task.MaxValue = Math.Max(1, p.Total); task.Value = p.Done; }), ct);
                });
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException or System.Text.Json.JsonException or TaskCanceledException)
            {
                return Fail($"could not export the log at {address}: {e.Message}");
            }
            var file = r.GetValue(output)!;
            try
            {
                await bundle.WriteAsync(file.FullName, ct);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Fail($"could not write {file.FullName}: {e.Message}");
            }
            Console.WriteLine($"Exported {bundle.Entries.Count} entries and {bundle.Records.Count} records under the checkpoint of size {bundle.Size} to {file.FullName}.");
            Console.WriteLine($"Verify it offline with: truceline verify --bundle {file.Name} --key <the log's key as you hold it>");
            return 0;
        });
        return cmd;
    }

    private static Command Witness()
    {
        var log = new Option<string>("--log") { Description = "The log's address", Required = true };
        var logKey = new Option<string>("--log-key") { Description = "The log's public key, as you hold it", Required = true };
        var keyFile = new Option<FileInfo>("--key-file") { Description = "This witness's private key; made on first run (then register its public key with the log)", Required = true };
        var name = new Option<string?>("--name") { Description = "The witness key's name when it is made (e.g. mediator.example/witness)" };
        var state = new Option<FileInfo?>("--state") { Description = "Where the last checkpoint cosigned is kept (default: the key file + .state)" };
        var cmd = new Command("witness", "Witness a log once: cosign its latest checkpoint only if it extends the last one this witness cosigned. Exits 1 on refusal.")
        {
            log, logKey, keyFile, name, state,
        };
        cmd.SetAction(async (r, ct) =>
        {
            var parsedLogKey = NoteVerifierKey.Parse(r.GetValue(logKey)!.Trim());
            if (!parsedLogKey.Succeeded)
            {
                return Fail($"--log-key: {parsedLogKey.Failure!.Detail}");
            }
            var file = r.GetValue(keyFile)!;
            if (!file.Exists)
            {
                if (r.GetValue(name) is not { Length: > 0 } keyName || NoteSigner.Generate(keyName, NoteKeyType.Cosignature, TimeProvider.System) is not { } made)
                {
                    return Fail("--key-file does not exist: give --name to make a new witness key");
                }
                Directory.CreateDirectory(file.DirectoryName!);
                LogKey.WriteSecret(file.FullName, made.ToSignerKey());
                Console.WriteLine($"Made a witness key. Its public key, to register with the log's administrator:\n{made.Verifier}");
                return 0;
            }
            var signer = NoteSigner.Parse((await File.ReadAllTextAsync(file.FullName, ct)).Trim(), TimeProvider.System);
            if (!signer.Succeeded || signer.Value!.Type != NoteKeyType.Cosignature)
            {
                return Fail($"{file.FullName} does not hold a cosignature/v1 witness key");
            }
            if (!Uri.TryCreate(r.GetValue(log), UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            {
                return Fail("--log: give the log's http(s) address");
            }
            var stateFile = r.GetValue(state)?.FullName ?? file.FullName + ".state";
            var last = File.Exists(stateFile) ? await File.ReadAllTextAsync(stateFile, ct) : null;
            using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(1) };
            WitnessClient.Result result;
            try
            {
                // The state is written before the cosignature leaves: a log that takes it and answers an error must not get
                // a second cosignature for another history next time.
                result = await new WitnessClient(http).RunAsync(parsedLogKey.Value!, signer.Value!, last, note => WriteAtomicallyAsync(stateFile, note, ct), ct);
            }
            catch (HttpRequestException e)
            {
                return Fail($"could not read the log at {address}: {e.Message}");
            }
            Console.WriteLine(result.Message);
            return result.Cosigned ? 0 : 1;
        });
        return cmd;
    }

    private static async Task WriteAtomicallyAsync(string path, string text, CancellationToken ct)
    {
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, text, ct);
        File.Move(temporary, path, overwrite: true);
    }
}
