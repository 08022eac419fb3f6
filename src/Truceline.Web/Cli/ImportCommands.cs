using System.CommandLine;
using Spectre.Console;
using Truceline.Access;
using Truceline.Geo;
using Truceline.Incidents;

namespace Truceline.Web.Cli;

public static partial class TrucelineCli
{
    private static Command ImportIncidents()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A UTF-8 CSV with ACLED's columns (event_id_cnty, event_date, event_type, latitude, longitude, …)" };
        var sourceType = new Option<SourceType>("--source-type") { Description = "monitorPatrol, partyLiaison, civilian, media or sensor (default media, as ACLED's sources are)", DefaultValueFactory = _ => SourceType.Media };
        var partial = new Option<bool>("--partial") { Description = "Import the good rows even if some are bad (by default one bad row imports nothing)" };
        var classification = new Option<Classification>("--classification") { Description = "public, restricted or confidential", DefaultValueFactory = _ => Classification.Restricted };
        var cmd = new Command("incidents", "Import incident reports from a CSV in ACLED's columns; rows imported before (same event_id_cnty) are skipped")
        {
            file, sourceType, partial, classification,
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
            await using var stream = f.OpenRead();
            var options = new ImportReports.Options(r.GetValue(sourceType), r.GetValue(partial), r.GetValue(classification));
            var importer = new SubmitReport.Submitter(Truceline.Incidents.Channel.Import, null, null);
            ImportReports.Result result;
            if (Console.IsOutputRedirected)
            {
                result = await ImportReports.RunAsync(db, new ZoneCatalog(), stream, options, importer, TimeProvider.System, null, ct);
            }
            else
            {
                result = await AnsiConsole.Progress().StartAsync(async context =>
                {
                    var task = context.AddTask($"Importing {f.Name}", maxValue: Math.Max(1, f.Length));
                    return await ImportReports.RunAsync(db, new ZoneCatalog(), stream, options, importer, TimeProvider.System,
                        new Progress<long>(position => task.Value = position), ct);
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
            Console.WriteLine($"Imported {result.Imported} report(s); {result.AlreadyImported} already imported before; {result.Errors.Select(e => e.Row).Distinct().Count()} row(s) with {result.Errors.Count} problem(s) skipped.");
            return 0;
        });
        return cmd;
    }
}
