using System.Diagnostics;
using Truceline.Access;
using Truceline.Data;
using Truceline.Geo;
using Truceline.Incidents;
using Truceline.Web.Access;

namespace Truceline.Bench;

/// <summary>
/// The intake writer alone, without HTTP: batches of 1,000 reports checked and placed as the batch endpoint does
/// (<see cref="SubmitReports"/>), then stored through <see cref="ReportIntake"/>, one batch at a time; beside it, the rows
/// it stored (reports and their audit entries) inserted raw again into a copy of its database. Shows what the writer
/// costs against the storage it does, apart from the HTTP server, the load generator and the grouper.
/// </summary>
public static class IntakeWriter
{
    public static async Task RunAsync(int batches = 40)
    {
        var (dir, target) = await Intake.NewDatabaseAsync("truceline-writer-");
        Guid userId;
        await using (var db = target.CreateContext(TimeProvider.System))
        {
            userId = db.Users.Single(u => u.Email == Intake.Monitor).Id;
        }
        var zones = new ZoneCatalog();
        var personal = new PersonalData(new byte[32]);
        await using var intake = new ReportIntake(target, TimeProvider.System, zones);
        var random = new Random(1);
        var counter = 0;
        SubmitReports.Request Batch() => new(Enumerable.Range(0, 1000).Select(_ =>
        {
            var (lat, lon) = Intake.Towns[random.Next(Intake.Towns.Length)];
            var i = counter++;
            return (SubmitReport.Request?)new SubmitReport.Request($"w-{i}", SourceType.MonitorPatrol, null, null, new DateOnly(2026, 10, 1).AddDays(random.Next(30)), null, null,
                lat + ((random.NextDouble() - 0.5) * 0.006), lon + ((random.NextDouble() - 0.5) * 0.006), null, null, Intake.Types[random.Next(Intake.Types.Length)], null,
                $"simulated bench report {i}", null, null, null);
        }).ToList());
        var times = new List<double>();
        var submitter = new SubmitReport.Submitter(Channel.Api, userId, null);
        for (var b = 0; b < batches; b++)
        {
            var request = Batch();
            await using var db = target.CreateContext(TimeProvider.System);
            db.Viewer = Viewer.System("bench");
            var sw = Stopwatch.StartNew();
            var outcome = await SubmitReports.RunAsync(db, zones, personal, request, submitter, TimeProvider.System, intake);
            if (!outcome.Succeeded)
            {
                throw new InvalidOperationException(outcome.Failure!.Detail);
            }
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        var measured = times.Skip(5).Order().ToList();
        var rate = 1000 / measured[measured.Count / 2] * 1000;
        Console.WriteLine($"The intake writer without HTTP (reports simulated): SubmitReports.RunAsync, 1,000 reports a batch, one batch at a time, {measured.Count} batches after 5:");
        Console.WriteLine($"  median {measured[measured.Count / 2]:0.0} ms a batch (min {measured[0]:0.0} ms) = {rate,10:N0} reports/s");

        // The same rows raw, as the HTTP bench inserts them: reports alone, then with their audit entries.
        var database = Path.Combine(dir.FullName, "intake.db");
        var reportsOnly = await Intake.StoredRowsBaselineAsync(database, 10_000, withAudit: false);
        var withAudit = await Intake.StoredRowsBaselineAsync(database, 10_000, withAudit: true);
        Console.WriteLine($"  baseline: the same reports inserted raw {reportsOnly,10:N0} reports/s (ratio {rate / reportsOnly:0.00}); with their audit entries {withAudit,10:N0} reports/s (ratio {rate / withAudit:0.00})");
        dir.Delete(recursive: true);
    }
}
