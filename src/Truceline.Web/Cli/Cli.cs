using System.CommandLine;
using Spectre.Console;
using Truceline.Access;
using Truceline.Audit;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Web.Cli;

/// <summary>The one executable: 'serve' and the admin verbs, each a thin layer over the same use cases the API calls.</summary>
public static partial class TrucelineCli
{
    private static readonly Option<string> Db = new("--db")
    {
        Description = "SQLite file path (default data/truceline.db, or $TRUCELINE_DB) or a PostgreSQL connection string (Host=…;Database=…, or postgres://…)",
        Recursive = true,
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("TRUCELINE_DB") ?? DatabaseTarget.DefaultSqlitePath,
    };

    public static RootCommand Build()
    {
        var root = new RootCommand("Truceline: monitoring and independent verification of a phased ceasefire agreement.") { Db };
        root.Add(Serve());
        root.Add(new Command("db", "Database administration") { DbMigrate() });
        root.Add(new Command("user", "Users and their roles") { UserAdd() });
        root.Add(new Command("token", "API bearer tokens") { TokenCreate(), TokenRevoke() });
        root.Add(new Command("plan", "Plans: import and export plan files (docs/plan-file-format.md)") { PlanImport(), PlanExport() });
        root.Add(new Command("audit", "The hash-chained audit trail") { AuditVerify() });
        root.Add(new Command("zones", "Zones and lines reports are judged against (GeoJSON)") { ZonesImport(), ZonesList(), ZonesAlias() });
        root.Add(new Command("import", "Bulk imports") { ImportIncidents(), ImportConsignmentsCommand() });
        root.Add(new Command("log", "The transparency log") { LogPublishExisting(), LogExport() });
        root.Add(Verify());
        root.Add(Witness());
        return root;
    }

    private static DatabaseTarget Target(ParseResult r) => DatabaseTarget.Parse(r.GetValue(Db));

    private static TrucelineDb OpenAsSystem(DatabaseTarget target) =>
        WithViewer(target.CreateContext(TimeProvider.System), Viewer.System($"cli:{Environment.UserName}"));

    private static TrucelineDb WithViewer(TrucelineDb db, Viewer viewer)
    {
        db.Viewer = viewer;
        return db;
    }

    private static int Fail(string message)
    {
        AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {message}");
        return 1;
    }

    private static async Task<bool> EnsureMigratedAsync(DatabaseTarget target, CancellationToken ct)
    {
        if (await Migrator.CurrentVersionAsync(target, ct) < Migrator.Latest(target.Provider))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]error:[/] the database {target.Display} is not at the current schema: run 'truceline db migrate' first.");
            return false;
        }
        return true;
    }

    private static Command DbMigrate()
    {
        var cmd = new Command("migrate", "Create or upgrade the database schema in place");
        cmd.SetAction(async (r, ct) =>
        {
            var target = Target(r);
            var report = await Migrator.MigrateAsync(target, ct: ct);
            Console.WriteLine(report.Applied.Count == 0
                ? $"{target.Display}: schema is current (version {report.To})."
                : $"{target.Display}: upgraded from version {report.From} to {report.To} ({string.Join(", ", report.Applied)}).");
            return 0;
        });
        return cmd;
    }

    private static int FailWith(Failure failure)
    {
        AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {failure.Title}; nothing was imported.");
        foreach (var (field, messages) in failure.Errors ?? new Dictionary<string, string[]> { ["-"] = [failure.Detail] })
        {
            foreach (var m in messages)
            {
                AnsiConsole.MarkupLineInterpolated($"  {field}: {m}");
            }
        }
        return 1;
    }

    private static Command AuditVerify()
    {
        var cmd = new Command("verify", "Check the audit trail's hash chain; exits 1 and names the first broken entry if it was altered");
        cmd.SetAction(async (r, ct) =>
        {
            var target = Target(r);
            if (!await EnsureMigratedAsync(target, ct))
            {
                return 1;
            }
            await using var db = OpenAsSystem(target);
            var verdict = await AuditChain.VerifyAsync(db, ct);
            if (verdict.Intact)
            {
                AnsiConsole.MarkupLineInterpolated($"[green]OK[/] {verdict.Message}");
                return 0;
            }
            AnsiConsole.MarkupLineInterpolated($"[red]BROKEN[/] {verdict.Message}");
            return 1;
        });
        return cmd;
    }
}
