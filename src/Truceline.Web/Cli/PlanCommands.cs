using System.CommandLine;
using Spectre.Console;
using Truceline.Common;
using Truceline.Plans.Files;

namespace Truceline.Web.Cli;

public static partial class TrucelineCli
{
    private static Command PlanImport()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A plan file (truceline-plan/1 JSON)" };
        var cmd = new Command("import", "Import a plan file as a new agreement; a file with any error imports nothing") { file };
        cmd.SetAction(async (r, ct) =>
        {
            var target = Target(r);
            var f = r.GetValue(file)!;
            if (!f.Exists)
            {
                return Fail($"{f.FullName} does not exist.");
            }
            if (f.Length > ImportPlan.MaxFileBytes)
            {
                return Fail($"{f.Name} is larger than {ImportPlan.MaxFileBytes / 1024 / 1024} MiB.");
            }
            if (!await EnsureMigratedAsync(target, ct))
            {
                return 1;
            }
            await using var stream = f.OpenRead();
            var text = await TextInput.ReadUtf8Async(stream, ImportPlan.MaxFileBytes, f.Name, ct);
            var parsed = text.Succeeded ? ImportPlan.Parse(text.Value!) : text.Failure!;
            await using var db = OpenAsSystem(target);
            var outcome = parsed.Succeeded ? await ImportPlan.RunAsync(db, parsed.Value!, mayVerify: true, TimeProvider.System, ct) : parsed.Failure!;
            if (!outcome.Succeeded)
            {
                return FailWith(outcome.Failure!);
            }
            Console.WriteLine($"Imported {outcome.Value!.Code} ({outcome.Value.Id}).");
            return 0;
        });
        return cmd;
    }

    private static Command PlanExport()
    {
        var id = new Argument<string>("ID") { Description = "The agreement's code or id" };
        var output = new Option<FileInfo?>("--out", "-o") { Description = "Write to this file instead of standard output" };
        var cmd = new Command("export", "Export a plan as a plan file") { id, output };
        cmd.SetAction(async (r, ct) =>
        {
            var target = Target(r);
            if (!await EnsureMigratedAsync(target, ct))
            {
                return 1;
            }
            await using var db = OpenAsSystem(target);
            var file = await ExportPlan.RunAsync(db, r.GetValue(id)!, ct);
            if (file is null)
            {
                return Fail($"There is no plan '{r.GetValue(id)}'.");
            }
            var text = file.Serialize();
            if (r.GetValue(output) is { } o)
            {
                await File.WriteAllTextAsync(o.FullName, text, ct);
            }
            else
            {
                Console.Out.Write(text);
            }
            return 0;
        });
        return cmd;
    }
}
