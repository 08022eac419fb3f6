using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;
using Truceline.Access;
using Truceline.Aid;
using Truceline.Web.Aid;

namespace Truceline.Web.Cli;

public static partial class TrucelineCli
{
    private static Command ImportConsignmentsCommand()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A UTF-8 CSV: UNRWA's 'Gaza Supplies and Dispatch Tracking' as published, or Truceline's own layout (the export's columns)" };
        var org = new Option<string>("--org") { Description = "The organisation whose consignments these are (its references must be unique)", Required = true };
        var partial = new Option<bool>("--partial") { Description = "Import the good rows even if some are bad (by default one bad row imports nothing)" };
        var simulated = new Option<bool>("--simulated") { Description = "Mark the rows as simulated: every figure and export that includes them says so" };
        var cmd = new Command("consignments", "Import consignments from CSV; a reference imported before is skipped, so re-running is safe")
        {
            file, org, partial, simulated,
        };
        cmd.SetAction(async (r, ct) =>
        {
            var target = Target(r);
            var f = r.GetValue(file)!;
            if (!f.Exists)
            {
                return Fail($"{f.FullName} does not exist.");
            }
            if (!await EnsureMigratedAsync(target, ct))
            {
                return 1;
            }
            await using var db = OpenAsSystem(target);
            var name = r.GetValue(org)!;
            var organisation = await db.Organisations.FirstOrDefaultAsync(o => o.Name == name, ct);
            if (organisation is null)
            {
                return Fail($"There is no organisation '{name}'. Create it with `truceline user add --org \"{name}\" …` first.");
            }
            db.Viewer = new Viewer(null, $"cli:{Environment.UserName}", null, organisation.Id, organisation.Participating, SeesAll: true);
            await using var stream = f.OpenRead();
            var options = new ImportConsignments.Options(r.GetValue(partial), r.GetValue(simulated));
            var started = System.Diagnostics.Stopwatch.StartNew();
            ImportConsignments.Result result;
            if (Console.IsOutputRedirected)
            {
                result = await ImportConsignments.RunAsync(db, stream, f.Name, options, TimeProvider.System, null, ct);
            }
            else
            {
                result = await AnsiConsole.Progress().StartAsync(async context =>
                {
                    var task = context.AddTask($"Importing {f.Name}", maxValue: Math.Max(1, f.Length));
                    return await ImportConsignments.RunAsync(db, stream, f.Name, options, TimeProvider.System, new Progress<long>(position => task.Value = position), ct);
                });
            }
            foreach (var e in result.Errors)
            {
                AnsiConsole.MarkupLineInterpolated($"  line {e.Row}, {e.Field}: {e.Message}");
            }
            if (!result.Committed)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {result.Errors.Count} problem(s); nothing was imported (--partial imports the good rows).");
                return 1;
            }
            if (options.Simulated && result.Imported > 0 && !await db.Settings.AnyAsync(s => s.Key == AidQueries.SimulatedKey, ct))
            {
                db.Settings.Add(new Setting { Key = AidQueries.SimulatedKey, Value = "true" });
                await db.SaveChangesAsync(ct);
            }
            Console.WriteLine($"Imported {result.Imported} consignment(s) ({result.Layout} layout) in {started.Elapsed.TotalSeconds:0.0} s; "
                + $"{result.AlreadyPresent} already present; {result.UnknownCrossings} at a crossing not on the map (kept as named); "
                + $"{result.Errors.Select(e => e.Row).Distinct().Count()} row(s) with {result.Errors.Count} problem(s) skipped.");
            return 0;
        });
        return cmd;
    }
}
