using System.CommandLine;
using Truceline.Transparency;
using Truceline.Web.Transparency;

namespace Truceline.Web.Cli;

public static partial class TrucelineCli
{
    private static Command Verify()
    {
        var log = new Option<string>("--log") { Description = "The log's address (the Truceline site, e.g. https://truceline.example)", Required = true };
        var key = new Option<string?>("--key") { Description = "The log's public key as you hold it (name+keyid+base64); without it, the key the log serves is trusted" };
        var saved = new Option<FileInfo?>("--checkpoint") { Description = "A checkpoint you saved earlier: the log must still extend it" };
        var save = new Option<FileInfo?>("--save-checkpoint") { Description = "Save the checkpoint just verified, to check against next time" };
        var cmd = new Command("verify", "Check a transparency log: its signature, every entry, its records as published now, and that it extends a saved checkpoint. Exits 1 on any mismatch, naming the entry.")
        {
            log, key, saved, save,
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
            if (!Uri.TryCreate(r.GetValue(log), UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
            {
                return Fail("--log: give the log's http(s) address");
            }
            using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromMinutes(2) };
            LogVerifier.Verdict verdict;
            try
            {
                verdict = await new LogVerifier(http).RunAsync(trusted, earlier, ct);
            }
            catch (HttpRequestException e)
            {
                return Fail($"could not read the log at {address}: {e.Message}");
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
}
