using System.CommandLine;
using Spectre.Console;
using Truceline.Access;
using Truceline.Audit;
using Truceline.Common;
using Truceline.Data;
using Truceline.Plans.Files;
using Truceline.Web.Access;
using Truceline.Web.Demo;

namespace Truceline.Web.Cli;

/// <summary>The one executable: 'serve' and the admin verbs, each a thin layer over the same use cases the API calls.</summary>
public static class TrucelineCli
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

    private static Command Serve()
    {
        var urls = new Option<string>("--urls") { Description = "Addresses to listen on", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var demo = new Option<bool>("--demo") { Description = "Load the demonstration data (simulated organisations, users and plan figures) if not yet loaded" };
        var cmd = new Command("serve", "Start Truceline: migrates the database, then serves the web interface and the API") { urls, demo };
        cmd.SetAction(async (r, ct) =>
        {
            var target = Target(r);
            var report = await Migrator.MigrateAsync(target, ct: ct);
            var options = new ServeOptions(target, r.GetValue(urls)!, r.GetValue(demo));
            var app = TrucelineApp.Build(options);
            (string Password, IReadOnlyList<DemoData.DemoUser> Users)? demoUsers = null;
            if (options.Demo)
            {
                await using var db = OpenAsSystem(target);
                db.Viewer = Viewer.System("demo-loader");
                demoUsers = await DemoData.EnsureLoadedAsync(db, DemoData.FindPlanFile(), TimeProvider.System, ct);
            }
            await app.StartAsync(ct);
            AnsiConsole.MarkupLineInterpolated($"[bold]Truceline[/] on {target.Display} (schema {report.To}{(report.Applied.Count > 0 ? $", applied {string.Join(", ", report.Applied)}" : "")})");
            foreach (var address in app.Urls)
            {
                AnsiConsole.MarkupLineInterpolated($"Listening on [link]{address}[/]   API docs: {address}/api/docs");
            }
            if (demoUsers is { } d)
            {
                AnsiConsole.MarkupLine("[yellow]DEMO: this instance holds SIMULATED data.[/] Sign in as any of:");
                var table = new Table().AddColumns("email", "role", "organisation");
                foreach (var u in d.Users)
                {
                    table.AddRow(u.Email, u.Role, u.Organisation);
                }
                AnsiConsole.Write(table);
                AnsiConsole.MarkupLineInterpolated($"Password for every demo user: [bold]{d.Password}[/]");
            }
            await app.WaitForShutdownAsync(ct);
            return 0;
        });
        return cmd;
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

    private static Command UserAdd()
    {
        var email = new Option<string>("--email") { Description = "Sign-in email", Required = true };
        var role = new Option<string>("--role") { Description = $"One of {string.Join(", ", Enum.GetValues<Role>().Select(x => x.Slug()))}", Required = true };
        var org = new Option<string>("--org") { Description = "Organisation name (created if new)", Required = true };
        var name = new Option<string?>("--name") { Description = "Display name" };
        var outsider = new Option<bool>("--not-participating") { Description = "A new organisation does not take part in the agreement (cannot read restricted records)" };
        var password = new Option<string?>("--password") { Description = "Password (default: read from $TRUCELINE_PASSWORD, or generated and printed)" };
        var cmd = new Command("add", "Add a user") { email, role, org, name, outsider, password };
        cmd.SetAction(async (r, ct) =>
        {
            var target = Target(r);
            if (!await EnsureMigratedAsync(target, ct))
            {
                return 1;
            }
            var pw = r.GetValue(password) ?? Environment.GetEnvironmentVariable("TRUCELINE_PASSWORD");
            var generated = pw is null;
            pw ??= Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
            await using var db = OpenAsSystem(target);
            var outcome = await Accounts.AddUserAsync(db, new Accounts.NewUser(r.GetValue(email), r.GetValue(name), r.GetValue(role), r.GetValue(org), pw, !r.GetValue(outsider)), TimeProvider.System, ct);
            if (!outcome.Succeeded)
            {
                return Fail(outcome.Failure!.Detail);
            }
            Console.WriteLine($"Added {outcome.Value!.Email} ({outcome.Value.Role.Slug()}).");
            if (generated)
            {
                Console.WriteLine($"Password: {pw}");
            }
            return 0;
        });
        return cmd;
    }

    private static Command TokenCreate()
    {
        var user = new Option<string>("--user") { Description = "The user's email", Required = true };
        var name = new Option<string?>("--name") { Description = "What the token is for" };
        var days = new Option<int?>("--days") { Description = "Expire after this many days (default: never)" };
        var cmd = new Command("create", "Create an API bearer token for a user and print it (it is shown only once)") { user, name, days };
        cmd.SetAction(async (r, ct) =>
        {
            var target = Target(r);
            if (!await EnsureMigratedAsync(target, ct))
            {
                return 1;
            }
            await using var db = OpenAsSystem(target);
            var outcome = await Accounts.CreateTokenAsync(db, r.GetValue(user), r.GetValue(name), r.GetValue(days), TimeProvider.System, ct);
            if (!outcome.Succeeded)
            {
                return Fail(outcome.Failure!.Detail);
            }
            Console.Error.WriteLine($"Token {outcome.Value!.Id} for {outcome.Value.Email}:");
            Console.WriteLine(outcome.Value.Token);
            return 0;
        });
        return cmd;
    }

    private static Command TokenRevoke()
    {
        var id = new Argument<Guid>("ID") { Description = "The token's id (printed when it was created)" };
        var cmd = new Command("revoke", "Revoke an API token at once") { id };
        cmd.SetAction(async (r, ct) =>
        {
            var target = Target(r);
            if (!await EnsureMigratedAsync(target, ct))
            {
                return 1;
            }
            await using var db = OpenAsSystem(target);
            var outcome = await Accounts.RevokeTokenAsync(db, r.GetValue(id), TimeProvider.System, ct);
            if (!outcome.Succeeded)
            {
                return Fail(outcome.Failure!.Detail);
            }
            Console.WriteLine($"Revoked {outcome.Value!.Id}.");
            return 0;
        });
        return cmd;
    }

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
                var failure = outcome.Failure!;
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
