using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Truceline.Access;
using Truceline.Data;
using Truceline.Geo;
using Truceline.Web;
using Truceline.Web.Access;

namespace Truceline.Bench;

/// <summary>
/// Durable report intake over HTTP on SQLite (issue 3: at least 2,000 reports/s sustained, each acknowledged only after
/// its commit, and at least half the rate of a raw batched SQLite insert of the same rows). The baseline, run beside it:
/// the same rows inserted with Microsoft.Data.Sqlite, 1,000 per transaction, WAL and synchronous=FULL. Reports are simulated.
/// </summary>
public static class Intake
{
    /// <summary>Town centres in the Gaza Strip (approximate), where the simulated reports are placed.</summary>
    internal static readonly (double Lat, double Lon)[] Towns =
    [
        (31.2969, 34.2436), (31.3462, 34.3063), (31.4180, 34.3510), (31.4490, 34.3930), (31.4400, 34.4040), (31.4210, 34.3850),
        (31.5017, 34.4668), (31.5000, 34.4900), (31.5500, 34.5000), (31.5350, 34.5350), (31.5300, 34.4830), (31.3400, 34.3300),
        (31.3200, 34.3400), (31.4330, 34.3700), (31.5050, 34.4450), (31.5250, 34.4700),
    ];

    internal static readonly string[] Types = ["Simulated shelling", "Simulated air strike", "Simulated gunfire", "Simulated demolition", "Simulated clash", "Simulated drone"];

    /// <summary>How long wrk sends reports: long enough for several grouping passes over a growing store.</summary>
    private const int WrkSeconds = 20;

    private const int WarmUpSeconds = 10;

    /// <summary>The longest the bench keeps warming a server whose compiler has not settled, and what "settled" is: a round
    /// of <see cref="WarmUpSeconds"/> in which compiling took less than a hundredth of one core.</summary>
    private const int SettleLimitSeconds = 180;
    private static readonly TimeSpan SettledJit = TimeSpan.FromMilliseconds(WarmUpSeconds * 1000 / 100);

    /// <summary>Reports a request to the batch endpoint, and how many such requests are in flight.</summary>
    private const int BatchSize = 1000, BatchConnections = 4;

    public static async Task RunAsync(int reports = 10_000, int concurrency = 32)
    {
        var (dir, target) = await NewDatabaseAsync("truceline-intake-");
        string token;
        await using (var db = target.CreateContext(TimeProvider.System))
        {
            db.Viewer = Viewer.System("bench");
            token = (await Accounts.CreateTokenAsync(db, Monitor, "bench", null, TimeProvider.System)).Value!.Token;
        }
        var app = TrucelineApp.Build(new ServeOptions(target, "http://127.0.0.1:0", false, TimeProvider.System, AppContext.BaseDirectory, new PersonalData(new byte[32])));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var random = new Random(1);
        // Reports of many events, as the field sends them: near one of the Strip's towns (within ~300 m), one of six types,
        // one of thirty days; a handful of reports per incident on average, not thousands (the earlier bench put every
        // report in one 2 km box on nine days, so a few incidents gathered thousands of reports each).
        string Body(int i)
        {
            var (lat, lon) = Towns[random.Next(Towns.Length)];
            return $$"""{"clientId":"bench-{{i}}","sourceType":"monitorPatrol","occurredOn":"{{new DateOnly(2026, 10, 1).AddDays(random.Next(30)):yyyy-MM-dd}}","latitude":{{lat + ((random.NextDouble() - 0.5) * 0.006):0.000000}},"longitude":{{lon + ((random.NextDouble() - 0.5) * 0.006):0.000000}},"eventType":"{{Types[random.Next(Types.Length)]}}","description":"simulated bench report {{i}}"}""";
        }
        var bodies = Enumerable.Range(0, reports + 500).Select(Body).ToArray();
        for (var i = 0; i < 500; i++)
        {
            (await client.PostAsync("/api/v1/reports", new StringContent(bodies[reports + i], Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode(); // warm-up
        }
        // Without wrk, the reports are sent by an in-process client (which shares the app's two cores and thread pool).
        var next = -1;
        var sw = Stopwatch.StartNew();
        double http = 0, me = 0;
        var inProcess = PortalBench.Which("wrk") is null;
        if (inProcess)
        {
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < reports)
                {
                    using var response = await client.PostAsync("/api/v1/reports", new StringContent(bodies[i], Encoding.UTF8, "application/json"));
                    response.EnsureSuccessStatusCode();
                }
            }));
            http = reports / sw.Elapsed.TotalSeconds;
            // For scale: the cheapest authenticated request (token check and a user lookup), same clients, same count.
            next = -1;
            sw.Restart();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) < reports)
                {
                    using var response = await client.GetAsync("/api/v1/me");
                    response.EnsureSuccessStatusCode();
                }
            }));
            me = reports / sw.Elapsed.TotalSeconds;
        }

        // The same intake loaded by wrk from its own process (when installed): the in-process client above shares the
        // app's two cores and its thread pool. Every request a new report (its own client id); each answer comes after
        // its commit, and the count stored is checked against the count answered.
        PortalBench.WrkResult? wrk = null, wrkMe = null, wrkEarly = null, wrkSlowed = null;
        long storedSlowed = 0;
        (int Methods, TimeSpan Time) early = default, settled = default;
        var settledAfter = TimeSpan.Zero;
        long storedEarly = 0;
        long backlog = 0;
        TimeSpan? cleared = null;
        long storedByWrk = 0;
        PortalBench.WrkResult? wrkBatch = null;
        long storedByBatch = 0, batchBacklog = 0;
        TimeSpan? batchCleared = null;
        if (!inProcess)
        {
            long Stored() => PortalBench.CountRows(Path.Combine(dir.FullName, "intake.db"), "reports");
            // The same spread of places, types and days as the in-process bodies; each run its own client ids, so no
            // report of the measured run is a retry of one sent while warming up.
            var towns = string.Join(", ", Towns.Select(t => FormattableString.Invariant($"{{{t.Lat}, {t.Lon}}}")));
            var types = string.Join(", ", Types.Select(t => $"\"{t}\""));
            async Task<string> Script(string run)
            {
                var lua = Path.Combine(dir.FullName, $"reports-{run}.lua");
                await File.WriteAllTextAsync(lua, $"towns = {{{towns}}}\ntypes = {{{types}}}\ncounter = 0\nrequest = function()\n  counter = counter + 1\n"
                    + "  local town = towns[math.random(#towns)]\n"
                    + "  local body = string.format('{\"clientId\":\"" + run + "-%d\",\"sourceType\":\"monitorPatrol\",\"occurredOn\":\"2026-10-%02d\",\"latitude\":%.6f,\"longitude\":%.6f,\"eventType\":\"%s\",\"description\":\"simulated bench report\"}', counter, math.random(30), town[1] + (math.random() - 0.5) * 0.006, town[2] + (math.random() - 0.5) * 0.006, types[math.random(#types)])\n"
                    + $"  return wrk.format(\"POST\", \"/api/v1/reports\", {{[\"Content-Type\"] = \"application/json\", [\"Authorization\"] = \"Bearer {token}\"}}, body)\nend\n");
                return lua;
            }
            // A server just started compiles its hot paths again at full optimisation (tiered compilation) for its first
            // minute or so under load: 10 s after start, a sixth of its CPU still went to the compiler. The rate it sustains
            // is the rate once that has settled, so it is measured then; the rate while it compiles is measured and shown too.
            // The app runs in this process, so the compiler's own counters say when it has settled.
            var reportsUrl = new Uri(new Uri(address), "/api/v1/reports").ToString();
            var started = Stopwatch.StartNew();
            PortalBench.Wrk(reportsUrl, WarmUpSeconds, concurrency, await Script("warm"));
            (int Methods, TimeSpan Time) Compiled() => ((int)System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime());
            (int Methods, TimeSpan Time) Since((int Methods, TimeSpan Time) start) { var now = Compiled(); return (now.Methods - start.Methods, now.Time - start.Time); }
            var jit = Compiled();
            var beforeEarly = Stored();
            wrkEarly = PortalBench.Wrk(reportsUrl, WrkSeconds, concurrency, await Script("early"));
            early = Since(jit);
            storedEarly = Stored() - beforeEarly;
            for (var round = 0; started.Elapsed < TimeSpan.FromSeconds(SettleLimitSeconds); round++)
            {
                jit = Compiled();
                PortalBench.Wrk(reportsUrl, WarmUpSeconds, concurrency, await Script($"settle{round}"));
                if (Since(jit).Time < SettledJit)
                {
                    break;
                }
            }
            settledAfter = started.Elapsed;
            var before = Stored();
            jit = Compiled();
            wrk = PortalBench.Wrk(reportsUrl, WrkSeconds, concurrency, await Script("wrk"));
            settled = Since(jit);
            storedByWrk = Stored() - before;
            // A machine slowed by a neighbour, as this shared one often is: the same load with another process spinning on
            // one of the two cores for the whole run.
            using (var busy = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", ["-c", "exec yes > /dev/null"]))!)
            {
                var beforeSlowed = Stored();
                wrkSlowed = PortalBench.Wrk(reportsUrl, WrkSeconds, concurrency, await Script("slowed"));
                storedSlowed = Stored() - beforeSlowed;
                busy.Kill();
            }
            // Intake is sustained only if grouping keeps up: how many reports await it when the load stops, and how long
            // the grouper (every 3 s, sharing the writer) takes to clear them.
            long Ungrouped() => PortalBench.CountRows(Path.Combine(dir.FullName, "intake.db"), "reports", "incident_id IS NULL");
            backlog = Ungrouped();
            var clearing = Stopwatch.StartNew();
            while (Ungrouped() > 0 && clearing.Elapsed < TimeSpan.FromSeconds(120))
            {
                await Task.Delay(250);
            }
            cleared = Ungrouped() == 0 ? clearing.Elapsed : null;

            // The batch endpoint, as a device emptying its queue sends it: 1,000 reports a request, as the baseline
            // commits 1,000 rows a transaction; fewer connections, each request a thousand times the work.
            async Task<string> BatchScript(string run)
            {
                var lua = Path.Combine(dir.FullName, $"batch-{run}.lua");
                await File.WriteAllTextAsync(lua, $"towns = {{{towns}}}\ntypes = {{{types}}}\ncounter = 0\nrequest = function()\n  local parts = {{}}\n"
                    + $"  for k = 1, {BatchSize} do\n    counter = counter + 1\n    local town = towns[math.random(#towns)]\n"
                    + "    parts[k] = string.format('{\"clientId\":\"" + run + "-%d\",\"sourceType\":\"monitorPatrol\",\"occurredOn\":\"2026-10-%02d\",\"latitude\":%.6f,\"longitude\":%.6f,\"eventType\":\"%s\",\"description\":\"simulated bench report\"}', counter, math.random(30), town[1] + (math.random() - 0.5) * 0.006, town[2] + (math.random() - 0.5) * 0.006, types[math.random(#types)])\n"
                    + "  end\n  local body = '{\"reports\":[' .. table.concat(parts, ',') .. ']}'\n"
                    + $"  return wrk.format(\"POST\", \"/api/v1/reports/batch\", {{[\"Content-Type\"] = \"application/json\", [\"Authorization\"] = \"Bearer {token}\"}}, body)\nend\n");
                return lua;
            }
            var batchUrl = new Uri(new Uri(address), "/api/v1/reports/batch").ToString();
            PortalBench.Wrk(batchUrl, WarmUpSeconds, BatchConnections, await BatchScript("batch-warm"));
            var beforeBatch = Stored();
            wrkBatch = PortalBench.Wrk(batchUrl, WrkSeconds, BatchConnections, await BatchScript("batch"));
            storedByBatch = Stored() - beforeBatch;
            batchBacklog = Ungrouped();
            // Whether grouping, as served, keeps pace with the batch rate: how long it then takes to clear what awaits it.
            var batchClearing = Stopwatch.StartNew();
            while (Ungrouped() > 0 && batchClearing.Elapsed < TimeSpan.FromSeconds(300))
            {
                await Task.Delay(500);
            }
            batchCleared = Ungrouped() == 0 ? batchClearing.Elapsed : null;
            // For scale: the cheapest authenticated request (the token checked, the user read), the same connections.
            var meLua = Path.Combine(dir.FullName, "me.lua");
            await File.WriteAllTextAsync(meLua, $"wrk.headers[\"Authorization\"] = \"Bearer {token}\"\n");
            wrkMe = PortalBench.Wrk(new Uri(new Uri(address), "/api/v1/me").ToString(), 10, concurrency, meLua);
        }
        await app.StopAsync();

        // Baseline: the same number of rows, raw, batched.
        var raw = Path.Combine(dir.FullName, "raw.db");
        await using (var connection = new SqliteConnection($"Data Source={raw}"))
        {
            await connection.OpenAsync();
            await using (var setup = connection.CreateCommand())
            {
                setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; CREATE TABLE reports (id TEXT PRIMARY KEY, client_id TEXT, occurred_on TEXT, latitude REAL, longitude REAL, event_type TEXT, description TEXT, received_at TEXT);";
                await setup.ExecuteNonQueryAsync();
            }
            sw.Restart();
            for (var start = 0; start < reports; start += 1000)
            {
                await using var tx = connection.BeginTransaction();
                await using var insert = connection.CreateCommand();
                insert.CommandText = "INSERT INTO reports VALUES ($id, $c, $d, $lat, $lon, $t, $desc, $at)";
                var p = new[] { "$id", "$c", "$d", "$lat", "$lon", "$t", "$desc", "$at" }.Select(n => insert.Parameters.Add(new SqliteParameter(n, null))).ToArray();
                for (var i = start; i < Math.Min(start + 1000, reports); i++)
                {
                    p[0].Value = Guid.CreateVersion7().ToString(); p[1].Value = $"bench-{i}"; p[2].Value = "2026-11-01"; p[3].Value = 31.35; p[4].Value = 34.31;
                    p[5].Value = "Simulated shelling"; p[6].Value = $"simulated bench report {i}"; p[7].Value = "2026-11-21 12:00:00";
                    await insert.ExecuteNonQueryAsync();
                }
                await tx.CommitAsync();
            }
        }
        var baseline = reports / sw.Elapsed.TotalSeconds;
        var intakeDb = Path.Combine(dir.FullName, "intake.db");
        var stored = await StoredRowsBaselineAsync(intakeDb, reports, withAudit: false);
        var storedWithAudit = await StoredRowsBaselineAsync(intakeDb, reports, withAudit: true);
        Console.WriteLine($"Durable intake over HTTP on SQLite ({concurrency} concurrent clients, 2 cores; reports simulated; grouping runs every 3 s as served):");
        Console.WriteLine($"  baseline: raw batched SQLite insert of the same rows (1,000 per transaction):    {baseline,10:N0} rows/s");
        Console.WriteLine($"  baseline: the rows intake stored, inserted raw again into a copy of its database (its reports table, indexes and foreign keys; 1,000 per transaction): {stored,10:N0} rows/s");
        Console.WriteLine($"  baseline: the same with each report's audit entry (the two rows intake writes a report; 1,000 reports per transaction): {storedWithAudit,10:N0} reports/s");
        if (wrk is not null)
        {
            Console.WriteLine($"  POST /api/v1/reports loaded by wrk from its own process, {WarmUpSeconds} s after start, still compiling ({early.Methods:N0} methods compiled in"
                + $" {early.Time.TotalSeconds:0.0} s of compiler time during the run): {wrkEarly!.Rps,10:N0} reports/s, p50 {wrkEarly.P50:0.0} ms, p99 {wrkEarly.P99:0.0} ms;"
                + $" {wrkEarly.Requests:N0} answered, {storedEarly:N0} stored{(storedEarly >= wrkEarly.Requests ? "" : " (SOME ANSWERED REPORTS LOST)")}");
            Console.WriteLine($"  POST /api/v1/reports loaded by wrk from its own process, sustained ({WrkSeconds} s from {settledAfter.TotalSeconds:0} s after start, compiler settled:"
                + $" {settled.Methods:N0} methods, {settled.Time.TotalSeconds:0.00} s during the run): {wrk.Rps,10:N0} reports/s, p50 {wrk.P50:0.0} ms, p99 {wrk.P99:0.0} ms;"
                + $" {wrk.Requests:N0} answered, {storedByWrk:N0} stored{(storedByWrk >= wrk.Requests ? "" : " (SOME ANSWERED REPORTS LOST)")}");
            Console.WriteLine($"  POST /api/v1/reports, the same, with another process spinning on one of the two cores: {wrkSlowed!.Rps,10:N0} reports/s, p50 {wrkSlowed.P50:0.0} ms,"
                + $" p99 {wrkSlowed.P99:0.0} ms; {wrkSlowed.Requests:N0} answered, {storedSlowed:N0} stored{(storedSlowed >= wrkSlowed.Requests ? "" : " (SOME ANSWERED REPORTS LOST)")}");
            Console.WriteLine($"  reports awaiting grouping when the load stopped: {backlog:N0} ({backlog / wrk.Rps:0.0} s of intake); "
                + (cleared is { } c ? $"all grouped {c.TotalSeconds:0.0} s later" : "NOT all grouped within 120 s"));
            Console.WriteLine($"  for scale: GET /api/v1/me (the cheapest signed-in request), wrk, 10 s:        {wrkMe!.Rps,10:N0} requests/s, p50 {wrkMe.P50:0.0} ms, p99 {wrkMe.P99:0.0} ms");
            Console.WriteLine($"  ratio to the baseline {wrk.Rps / baseline:0.000}; targets: >= 2,000/s {(wrk.Rps >= 2000 ? "met" : "NOT met")}, >= half the baseline {(wrk.Rps >= baseline / 2 ? "met" : "NOT met")}");
            var batchRate = wrkBatch!.Rps * BatchSize;
            Console.WriteLine($"  POST /api/v1/reports/batch, {BatchSize:N0} reports a request, {BatchConnections} connections, wrk ({WrkSeconds} s): {batchRate,10:N0} reports/s,"
                + $" p50 {wrkBatch.P50:0.0} ms, p99 {wrkBatch.P99:0.0} ms a request; {wrkBatch.Requests * BatchSize:N0} answered, {storedByBatch:N0} stored"
                + $"{(storedByBatch >= wrkBatch.Requests * BatchSize ? "" : " (SOME ANSWERED REPORTS LOST)")}; {batchBacklog:N0} awaiting grouping at the end");
            Console.WriteLine($"  grouping after the batch load, with nothing else running: " + (batchCleared is { } bc
                ? $"{batchBacklog:N0} reports grouped in {bc.TotalSeconds:0.0} s ({batchBacklog / bc.TotalSeconds:N0} reports/s, stored with their audit)"
                : $"NOT all grouped within 300 s"));
            Console.WriteLine($"  batch ratio to the baseline {batchRate / baseline:0.000}; targets: >= 2,000/s {(batchRate >= 2000 ? "met" : "NOT met")}, >= half the baseline {(batchRate >= baseline / 2 ? "met" : "NOT met")}");
            Console.WriteLine($"  against the stored rows inserted raw: one a request {wrk.Rps / stored:0.000}, batch {batchRate / stored:0.000} (half: {(batchRate >= stored / 2 ? "met" : "NOT met")} by the batch)");
            Console.WriteLine($"  against the stored rows with their audit entries: one a request {wrk.Rps / storedWithAudit:0.000}, batch {batchRate / storedWithAudit:0.000} (half: {(batchRate >= storedWithAudit / 2 ? "met" : "NOT met")} by the batch)");
        }
        else
        {
            // The backlog left for grouping is measured only under wrk's load.
            Console.WriteLine($"  POST /api/v1/reports, {reports:N0} from an in-process client (wrk is not installed):  {http,10:N0} reports/s");
            Console.WriteLine($"  for scale: GET /api/v1/me, same client:                                     {me,10:N0} requests/s");
            Console.WriteLine($"  ratio {http / baseline:0.000}; targets: >= 2,000/s {(http >= 2000 ? "met" : "NOT met")}, >= half the baseline {(http >= baseline / 2 ? "met" : "NOT met")}");
            Console.WriteLine("  (install wrk — apt-get install wrk, or run bench/run.sh --portal once as root — for the figure from a separate process)");
        }
        dir.Delete(recursive: true);
    }

    /// <summary>
    /// Baselines closer to "the same rows" than the narrow table: the last <paramref name="count"/> reports exactly as
    /// intake stored them (every column, the place as JSON), inserted raw again, with new ids and client ids, into a copy
    /// of the bench's database, so into the same table with its indexes and foreign keys, as large as intake left it.
    /// With <paramref name="withAudit"/>, each also with the audit entry intake wrote for it (its `created` entry, copied
    /// with a new sequence number: the rows, not the hashing that chains them), as intake writes one for every report.
    /// </summary>
    internal static async Task<double> StoredRowsBaselineAsync(string database, int count, bool withAudit)
    {
        var copy = Path.Combine(Path.GetDirectoryName(database)!, $"same-{withAudit}.db");
        await using (var source = new SqliteConnection($"Data Source={database}"))
        {
            await source.OpenAsync();
            await using var vacuum = source.CreateCommand();
            vacuum.CommandText = $"VACUUM INTO '{copy}'";
            await vacuum.ExecuteNonQueryAsync();
        }
        await using var connection = new SqliteConnection($"Data Source={copy};Foreign Keys=True");
        await connection.OpenAsync();
        await using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;";
            await setup.ExecuteNonQueryAsync();
        }
        async Task<(string[] Names, List<object[]> Rows)> Read(string sql)
        {
            await using var read = connection.CreateCommand();
            read.CommandText = sql;
            await using var reader = await read.ExecuteReaderAsync();
            var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
            var rows = new List<object[]>();
            while (await reader.ReadAsync())
            {
                var values = new object[reader.FieldCount];
                reader.GetValues(values);
                rows.Add(values);
            }
            return (names, rows);
        }
        var (names, rows) = await Read($"SELECT * FROM reports ORDER BY rowid DESC LIMIT {count}");
        int Column(string name) => Array.IndexOf(names, name);
        var (id, clientId, incident) = (Column("id"), Column("client_id"), Column("incident_id"));
        // Each report's own entry (the audit keeps the id in lower case, the reports table in upper).
        var (auditNames, auditRows) = withAudit
            ? await Read($"SELECT a.* FROM audit_entries a JOIN (SELECT lower(id) AS id, rowid AS r FROM reports ORDER BY rowid DESC LIMIT {count}) s"
                + " ON a.entity_type = 'Report' AND a.action = 'created' AND a.entity_id = s.id ORDER BY s.r DESC")
            : ([], []);
        if (withAudit && auditRows.Count != rows.Count)
        {
            throw new InvalidOperationException($"{rows.Count} reports but {auditRows.Count} audit entries for them.");
        }
        long seq;
        await using (var max = connection.CreateCommand())
        {
            max.CommandText = "SELECT coalesce(max(seq), 0) FROM audit_entries";
            seq = (long)(await max.ExecuteScalarAsync())!;
        }
        var sw = Stopwatch.StartNew();
        for (var start = 0; start < rows.Count; start += 1000)
        {
            await using var tx = connection.BeginTransaction();
            await using var insert = connection.CreateCommand();
            insert.CommandText = $"INSERT INTO reports ({string.Join(", ", names)}) VALUES ({string.Join(", ", names.Select((_, i) => $"$p{i}"))})";
            var p = names.Select((_, i) => insert.Parameters.Add(new SqliteParameter($"$p{i}", null))).ToArray();
            await using var audit = connection.CreateCommand();
            audit.CommandText = $"INSERT INTO audit_entries ({string.Join(", ", auditNames)}) VALUES ({string.Join(", ", auditNames.Select((_, i) => $"$a{i}"))})";
            var q = auditNames.Select((_, i) => audit.Parameters.Add(new SqliteParameter($"$a{i}", null))).ToArray();
            var (auditSeq, auditEntity) = (Array.IndexOf(auditNames, "seq"), Array.IndexOf(auditNames, "entity_id"));
            for (var r = start; r < Math.Min(start + 1000, rows.Count); r++)
            {
                for (var c = 0; c < names.Length; c++)
                {
                    p[c].Value = rows[r][c];
                }
                var newId = Guid.CreateVersion7();
                p[id].Value = newId.ToString().ToUpperInvariant();
                p[clientId].Value = $"{rows[r][clientId]}-again";
                p[incident].Value = DBNull.Value; // as intake stores a report: not yet grouped
                await insert.ExecuteNonQueryAsync();
                if (withAudit)
                {
                    for (var c = 0; c < auditNames.Length; c++)
                    {
                        q[c].Value = auditRows[r][c];
                    }
                    q[auditSeq].Value = ++seq;
                    q[auditEntity].Value = newId.ToString();
                    await audit.ExecuteNonQueryAsync();
                }
            }
            await tx.CommitAsync();
        }
        var rate = rows.Count / sw.Elapsed.TotalSeconds;
        await connection.CloseAsync();
        SqliteConnection.ClearAllPools();
        File.Delete(copy);
        return rate;
    }

    internal const string Monitor = "monitor@bench.example";

    /// <summary>A new SQLite database in a directory of its own, with the real Gaza governorates as zones and a monitor.</summary>
    internal static async Task<(DirectoryInfo Dir, DatabaseTarget Target)> NewDatabaseAsync(string prefix)
    {
        var dir = Directory.CreateTempSubdirectory(prefix);
        var target = DatabaseTarget.Parse(Path.Combine(dir.FullName, "intake.db"));
        await Migrator.MigrateAsync(target);
        await using var db = target.CreateContext(TimeProvider.System);
        db.Viewer = Viewer.System("bench");
        var data = Path.Combine(FindShared(), "boundaries", "ocha-codab-pse-adm2-gaza-governorates-20231019.geojson");
        await ImportZones.RunAsync(db, GeoJson.Read(await File.ReadAllTextAsync(data)).Value!, new ImportZones.Options(ZoneKind.Governorate, "OCHA", "ADM2_PCODE", "ADM2_EN"), TimeProvider.System);
        await Accounts.AddUserAsync(db, new Accounts.NewUser(Monitor, null, "monitor", "Bench", "bench-password-1"), TimeProvider.System);
        return (dir, target);
    }

    internal static string FindShared()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (Directory.Exists(Path.Combine(d.FullName, "shared", "data")))
            {
                return Path.Combine(d.FullName, "shared", "data");
            }
        }
        throw new DirectoryNotFoundException("../shared/data");
    }
}
