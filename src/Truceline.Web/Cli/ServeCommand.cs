using System.CommandLine;
using Spectre.Console;
using Truceline.Access;
using Truceline.Data;
using Truceline.Web.Demo;

namespace Truceline.Web.Cli;

public static partial class TrucelineCli
{
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
}
