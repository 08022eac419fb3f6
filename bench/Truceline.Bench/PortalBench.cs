using Microsoft.Extensions.Logging;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Truceline.Access;
using Truceline.Data;
using Truceline.Web;
using Truceline.Web.Demo;

namespace Truceline.Bench;

/// <summary>
/// The public portal under a crowd (issue 5) and the complaint page (issue 6), loaded by wrk from a second process.
/// Portal answers are compared with nginx serving the same bytes from files, under the same load, run side by side:
/// the target is at least half of nginx's requests per second. The complaint page: at least 2,000 GETs/s with a 99th
/// percentile under 50 ms, and at least 500 durable submissions/s (baseline: the same row inserted raw into SQLite, one
/// durable transaction each). The data is the simulated demo.
/// </summary>
public static partial class PortalBench
{
    /// <summary>How many rows a table of a SQLite file holds: what a load run stored, against what it was answered.</summary>
    public static long CountRows(string file, string table, string? where = null)
    {
        using var c = new SqliteConnection($"Data Source={file}");
        c.Open();
        using var q = c.CreateCommand();
        q.CommandText = $"SELECT count(*) FROM {table}" + (where is null ? "" : $" WHERE {where}");
        return (long)q.ExecuteScalar()!;
    }

    public static async Task RunAsync(int seconds = 10, int connections = 32)
    {
        foreach (var tool in new[] { "wrk", "nginx" })
        {
            if (Which(tool) is null)
            {
                Console.Error.WriteLine($"{tool} is not installed: bench/run.sh --portal installs wrk and nginx with apt-get when run as root.");
                Environment.Exit(2);
            }
        }
        var dir = Directory.CreateTempSubdirectory("truceline-portal-");
        var target = DatabaseTarget.Parse(Path.Combine(dir.FullName, "portal.db"));
        await Migrator.MigrateAsync(target);
        await using (var db = target.CreateContext(TimeProvider.System))
        {
            db.Viewer = Viewer.System("bench");
            await DemoData.EnsureLoadedAsync(db, DemoData.FindPlanFile(), TimeProvider.System);
        }
        var app = TrucelineApp.Build(new ServeOptions(target, "http://127.0.0.1:0", false, TimeProvider.System, AppContext.BaseDirectory,
            new PersonalData(new byte[32]), Truceline.Transparency.NoteSigner.Generate("bench.example/log", Truceline.Transparency.NoteKeyType.Ed25519, TimeProvider.System)),
            b => b.Logging.AddFilter(_ => false));
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        using var client = new HttpClient { BaseAddress = address };
        var admin = await TokenAsync(target);
        client.DefaultRequestHeaders.Authorization = new("Bearer", admin);
        (await client.PostAsync("/api/v1/log/checkpoints", null)).EnsureSuccessStatusCode();
        client.DefaultRequestHeaders.Authorization = null;

        // nginx serves the very bytes the app answers, from files, with the same content types.
        var root = Directory.CreateDirectory(Path.Combine(dir.FullName, "www")).FullName;
        // nginx's workers run as an unprivileged user: the files must be readable by them (a temporary folder is not).
        var readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        if (!OperatingSystem.IsWindows()) // nginx and wrk run here only on Linux; the guard tells the analyser so (CA1416)
        {
            File.SetUnixFileMode(dir.FullName, readable);
            File.SetUnixFileMode(root, readable);
        }
        var paths = new (string Path, string Ext)[]
        {
            ("/api/v1/open/provision-status.json", "json"), ("/api/v1/open/metric-observation.csv", "csv"), ("/api/v1/open/aid-daily.json", "json"),
            ("/", "html"), ("/public/incidents", "html"), ("/plans/gaza-cp", "html"), ("/public/reports", "html"),
            // Cached until a leaf, a checkpoint or a cosignature is committed, and revalidated by its tag.
            ("/api/v1/log/checkpoint", "txt"),
        };
        var files = new List<string>();
        for (var i = 0; i < paths.Length; i++)
        {
            var bytes = await client.GetByteArrayAsync(paths[i].Path);
            var name = $"f{i}.{paths[i].Ext}";
            await File.WriteAllBytesAsync(Path.Combine(root, name), bytes);
            files.Add($"{name} ({bytes.Length:N0} bytes)");
        }
        var port = FreePort();
        var conf = Path.Combine(dir.FullName, "nginx.conf");
        await File.WriteAllTextAsync(conf, $$"""
            worker_processes auto;
            daemon off;
            pid {{dir.FullName}}/nginx.pid;
            error_log {{dir.FullName}}/nginx-error.log;
            events { worker_connections 1024; }
            http {
                types { application/json json; text/csv csv; text/plain txt; text/html html; }
                access_log off;
                client_body_temp_path {{dir.FullName}}/tmp; proxy_temp_path {{dir.FullName}}/tmp; fastcgi_temp_path {{dir.FullName}}/tmp;
                uwsgi_temp_path {{dir.FullName}}/tmp; scgi_temp_path {{dir.FullName}}/tmp;
                server { listen 127.0.0.1:{{port}}; root {{root}}; etag on; }
            }
            """);
        Directory.CreateDirectory(Path.Combine(dir.FullName, "tmp"));
        // Its output is not inherited: nginx's workers would otherwise hold the caller's pipe open after the run.
        using var nginx = Process.Start(new ProcessStartInfo("nginx", ["-c", conf, "-p", dir.FullName]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        await Task.Delay(500);
        // Warm-up, not counted: the app's code paths compiled and its cache filled, nginx's files in the page cache.
        for (var i = 0; i < paths.Length; i++)
        {
            Wrk(new Uri(address, paths[i].Path).ToString(), 2, connections);
            Wrk($"http://127.0.0.1:{port}/f{i}.{paths[i].Ext}", 2, connections);
        }
        Wrk(new Uri(address, "/complaint").ToString(), 2, connections);

        var rows = new List<string>();
        Console.WriteLine($"Public answers under wrk ({connections} connections, {seconds} s each, 1 wrk thread; app, nginx and wrk share 2 cores):");
        for (var i = 0; i < paths.Length; i++)
        {
            var ours = Wrk(new Uri(address, paths[i].Path).ToString(), seconds, connections);
            var theirs = Wrk($"http://127.0.0.1:{port}/f{i}.{paths[i].Ext}", seconds, connections);
            var line = $"| `GET {paths[i].Path}` | {ours.Rps:N0} | {ours.P99:0.0} | {theirs.Rps:N0} | {theirs.P99:0.0} | {ours.Rps / theirs.Rps:0.00} |";
            Console.WriteLine(line);
            rows.Add(line);
        }
        using (var stop = Process.Start(new ProcessStartInfo("nginx", ["-c", conf, "-p", dir.FullName, "-s", "stop"]) { RedirectStandardError = true, RedirectStandardOutput = true })!)
        {
            stop.WaitForExit();
        }
        nginx.WaitForExit(5_000);

        // The complaint page: rendered each time (it carries an antiforgery token, so it is never cached).
        var page = Wrk(new Uri(address, "/complaint").ToString(), seconds, connections);
        var pageLine = $"| `GET /complaint` (Arabic, rendered) | {page.Rps:N0} | {page.P50:0.0} | {page.P99:0.0} | >= 2,000/s, p99 < 50 ms: {(page.Rps >= 2000 && page.P99 < 50 ? "met" : "NOT met")} |";
        Console.WriteLine(pageLine);

        // Submissions: one form (token and cookie read once, as a browser would), posted again and again by wrk.
        var cookies = new CookieContainer();
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = address };
        var html = await browser.GetStringAsync("/complaint");
        var token = Antiforgery().Match(html).Groups[1].Value;
        var cookie = string.Join("; ", cookies.GetCookies(address).Select(c => $"{c.Name}={c.Value}"));
        long Count() => CountRows(Path.Combine(dir.FullName, "portal.db"), "grievances");
        var before = Count();
        var lua = Path.Combine(dir.FullName, "post.lua");
        var body = $"category=aidDistribution&text={Uri.EscapeDataString("لم تصل الطرود الغذائية (محاكاة لقياس الأداء)")}&contact=&governorate=&__RequestVerificationToken={Uri.EscapeDataString(token)}";
        await File.WriteAllTextAsync(lua, $"wrk.method = \"POST\"\nwrk.body = \"{body}\"\nwrk.headers[\"Content-Type\"] = \"application/x-www-form-urlencoded\"\nwrk.headers[\"Cookie\"] = \"{cookie}\"\n");
        var posts = Wrk(new Uri(address, "/complaint").ToString(), seconds, connections, lua);
        var stored = Count() - before;
        await app.StopAsync();

        // Baseline: the same row (ciphertext-sized text) inserted raw, one durable transaction each, as fast as one connection goes.
        var raw = Path.Combine(dir.FullName, "raw.db");
        double baseline;
        await using (var connection = new SqliteConnection($"Data Source={raw}"))
        {
            await connection.OpenAsync();
            await using (var setup = connection.CreateCommand())
            {
                setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE g (id TEXT PRIMARY KEY, tracking TEXT, text TEXT, received_at TEXT);";
                await setup.ExecuteNonQueryAsync();
            }
            var n = 0;
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed.TotalSeconds < seconds)
            {
                await using var tx = connection.BeginTransaction();
                await using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO g VALUES ($id, $t, $x, $at)";
                insert.Parameters.AddWithValue("$id", Guid.CreateVersion7().ToString());
                insert.Parameters.AddWithValue("$t", Guid.NewGuid().ToString("N"));
                insert.Parameters.AddWithValue("$x", new string('x', 160));
                insert.Parameters.AddWithValue("$at", "2026-11-21 12:00:00");
                await insert.ExecuteNonQueryAsync();
                await tx.CommitAsync();
                n++;
            }
            baseline = n / sw.Elapsed.TotalSeconds;
        }
        // Every answered post is stored (a few more are: committed while wrk was stopping, never answered to it).
        var postLine = $"| `POST /complaint` (validated, encrypted, audited, committed) | {posts.Rps:N0} | {posts.P50:0.0} | {posts.P99:0.0} | >= 500/s: {(posts.Rps >= 500 ? "met" : "NOT met")}; {posts.Requests:N0} answered, {stored:N0} stored{(stored >= posts.Requests ? "" : " (SOME ANSWERED POSTS LOST)")}; raw durable insert, one per transaction: {baseline:N0}/s |";
        Console.WriteLine(postLine);

        var report = $"""
            # Portal and complaint page under load

            `bench/run.sh --portal`, {DateTime.UtcNow:yyyy-MM-dd}, on this 2-core machine; wrk {connections} connections, {seconds} s per run, one wrk thread;
            the app (SQLite, the simulated demo loaded), nginx and wrk on the same cores. nginx serves the bytes the app answered,
            from files: {string.Join(", ", files)}.

            | answer | app req/s | app p99 ms | nginx req/s | nginx p99 ms | ratio (target >= 0.5) |
            |---|---:|---:|---:|---:|---:|
            {string.Join("\n", rows)}

            | complaint page | req/s | p50 ms | p99 ms | target |
            |---|---:|---:|---:|---|
            {pageLine}
            {postLine}
            """;
        Directory.CreateDirectory(Path.Combine(FindRoot(), "bench", "results"));
        await File.WriteAllTextAsync(Path.Combine(FindRoot(), "bench", "results", "portal.md"), report + "\n");
        dir.Delete(recursive: true);
    }

    internal sealed record WrkResult(double Rps, double P50, double P99, long Requests);

    internal static WrkResult Wrk(string url, int seconds, int connections, string? script = null)
    {
        var args = new List<string> { "-t1", $"-c{connections}", $"-d{seconds}s", "--latency" };
        if (script is not null)
        {
            args.AddRange(["-s", script]);
        }
        args.Add(url);
        using var wrk = Process.Start(new ProcessStartInfo("wrk", args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = wrk.StandardOutput.ReadToEnd();
        wrk.WaitForExit();
        if (Regex.Match(output, @"Non-2xx or 3xx responses: (\d+)") is { Success: true } bad)
        {
            // A rate of errors compares nothing: stop rather than report it.
            throw new InvalidOperationException($"{url}: {bad.Groups[1].Value} answers were errors");
        }
        double Ms(string p) => Regex.Match(output, $@"\s{p}%\s+([\d.]+)(us|ms|s)") is { Success: true } m
            ? double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) * (m.Groups[2].Value switch { "us" => 0.001, "s" => 1000, _ => 1 })
            : double.NaN;
        return new WrkResult(double.Parse(Regex.Match(output, @"Requests/sec:\s+([\d.]+)").Groups[1].Value, CultureInfo.InvariantCulture), Ms("50"), Ms("99"),
            long.Parse(Regex.Match(output, @"(\d+) requests in").Groups[1].Value, CultureInfo.InvariantCulture));
    }

    private static async Task<string> TokenAsync(DatabaseTarget target)
    {
        await using var db = target.CreateContext(TimeProvider.System);
        db.Viewer = Viewer.System("bench");
        return (await Truceline.Web.Access.Accounts.CreateTokenAsync(db, "admin@demo.example", "bench", null, TimeProvider.System)).Value!.Token;
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    internal static string? Which(string tool) => Environment.GetEnvironmentVariable("PATH")!.Split(':')
        .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists) is { } found ? found
        : new[] { "/usr/sbin", "/usr/bin", "/sbin" }.Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Truceline.slnx")))
            {
                return d.FullName;
            }
        }
        throw new DirectoryNotFoundException("Truceline.slnx");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Antiforgery();
}
