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
        var agreement = new Option<string?>("--agreement") { Description = "The code of the agreement every row concerns (by default each row's is the one in force on its day)" };
        var cmd = new Command("incidents", "Import incident reports from a CSV in ACLED's columns; rows imported before (same event_id_cnty) are skipped")
        {
            file, sourceType, partial, classification, agreement,
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
            var options = new ImportReports.Options(r.GetValue(sourceType), r.GetValue(partial), r.GetValue(classification), r.GetValue(agreement));
            var importer = new SubmitReport.Submitter(Truceline.Incidents.Channel.Import, null, null);
            var result = await WithProgressAsync(f, progress => ImportReports.RunAsync(db, new ZoneCatalog(), stream, options, importer, TimeProvider.System, progress, ct));
            if (!ReportRowErrors(result.Errors.Select(e => (e.Row, e.Field, e.Message)).ToList(), result.Committed))
            {
                return 1;
            }
            Console.WriteLine($"Imported {result.Imported} report(s); {result.AlreadyImported} already imported before; {result.Errors.Select(e => e.Row).Distinct().Count()} row(s) with {result.Errors.Count} problem(s) skipped.");
            return 0;
        });
        return cmd;
    }

    /// <summary>Runs an import with a progress bar over the file's bytes, or plainly when the output is not a terminal.</summary>
    private static async Task<T> WithProgressAsync<T>(FileInfo file, Func<IProgress<long>?, Task<T>> import)
    {
        if (Console.IsOutputRedirected)
        {
            return await import(null);
        }
        return await AnsiConsole.Progress().StartAsync(async context =>
        {
            var task = context.AddTask($"Importing {file.Name}", maxValue: Math.Max(1, file.Length));
            return await import(new Progress<long>(position => task.Value = position));
        });
    }

    /// <summary>Lists every bad row by line and column; false when the import was refused as a whole.</summary>
    private static bool ReportRowErrors(IReadOnlyList<(long Row, string Field, string Message)> errors, bool committed)
    {
        foreach (var (row, field, message) in errors)
        {
            if (row == 0)
            {
                AnsiConsole.MarkupLineInterpolated($"  {field}: {message}"); // about the whole import, not a line
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"  line {row}, {field}: {message}");
            }
        }
        if (!committed)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {errors.Count} problem(s); nothing was imported (--partial imports the good rows).");
        }
        return committed;
    }
}
