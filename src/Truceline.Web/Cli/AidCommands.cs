using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Aid;

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
            var result = await WithProgressAsync(f, progress => ImportConsignments.RunAsync(db, stream, f.Name, options, TimeProvider.System, progress, ct));
            if (!ReportRowErrors(result.Errors.Select(e => (e.Row, e.Field, e.Message)).ToList(), result.Committed))
            {
                return 1;
            }
            Console.WriteLine($"Imported {result.Imported} consignment(s) ({result.Layout} layout) in {started.Elapsed.TotalSeconds:0.0} s; "
                + $"{result.AlreadyPresent} already present; {result.UnknownCrossings} at a crossing not on the map (kept as named); "
                + $"{result.Errors.Select(e => e.Row).Distinct().Count()} row(s) with {result.Errors.Count} problem(s) skipped.");
            return 0;
        });
        return cmd;
    }
}
