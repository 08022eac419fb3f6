using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Truceline.Access;
using Truceline.Aid;
using Truceline.Data;
using Truceline.Geo;
using Truceline.Web;
using Truceline.Web.Access;
using Truceline.Web.Demo;

namespace Truceline.Bench;

/// <summary>
/// Humanitarian access on SQLite (issue 4), every figure beside a baseline run in the same process:
/// <list type="number">
/// <item>a year of simulated consignments imported from CSV through the real importer (target: under 60 s), against the
/// same rows inserted raw with Microsoft.Data.Sqlite;</item>
/// <item>every dashboard figure over that year, over HTTP and as the query alone (target: each under 100 ms), against
/// the naive query that sums trucks per day from the stage events themselves;</item>
/// <item>durable stage transitions over HTTP (target: at least 5,000 a second), in batches and one per request, against
/// the same updates and inserts made raw.</item>
/// </list>
/// Consignments are simulated (<see cref="SimulatedConsignments"/>), and the figures say so.
/// </summary>
public static class AidBench
{
    public static async Task RunAsync(int days = 365, int perDay = 1200, int moves = 200_000)
    {
        var dir = Directory.CreateTempSubdirectory("truceline-aid-");
        try
        {
            await RunInAsync(dir.FullName, days, perDay, moves);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task RunInAsync(string dir, int days, int perDay, int moveCount)
    {
        var target = DatabaseTarget.Parse(Path.Combine(dir, "aid.db"));
        await Migrator.MigrateAsync(target);
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        string token;
        Viewer agency;
        await using (var db = target.CreateContext(TimeProvider.System))
        {
            db.Viewer = Viewer.System("bench");
            var shared = Intake.FindShared();
            await ImportZones.RunAsync(db, GeoJson.Read(await File.ReadAllTextAsync(Path.Combine(shared, "boundaries", "ocha-codab-pse-adm2-gaza-governorates-20231019.geojson"))).Value!,
                new ImportZones.Options(ZoneKind.Governorate, "OCHA", "ADM2_PCODE", "ADM2_EN"), TimeProvider.System);
            await ImportZones.RunAsync(db, GeoJson.Read(await File.ReadAllTextAsync(Path.Combine(shared, "crossings", "gaza-crossings.geojson"))).Value!,
                new ImportZones.Options(ZoneKind.Crossing, "Wikipedia; mushon/nibal", "name", "name"), TimeProvider.System);
            var user = await Accounts.AddUserAsync(db, new Accounts.NewUser("agency@bench.example", "Bench agency", "agency", "Bench agency (simulated)", "bench-password-1", true), TimeProvider.System);
            token = (await Accounts.CreateTokenAsync(db, "agency@bench.example", "bench", null, TimeProvider.System)).Value!.Token;
            agency = Viewer.ForUser(user.Value!.Id, "agency@bench.example", Role.Agency, user.Value.OrganisationId, participates: true);
        }

        // 1. A year of consignments through the importer.
        var first = DateOnly.FromDateTime(now).AddDays(-days);
        var last = DateOnly.FromDateTime(now).AddDays(-1);
        var file = Path.Combine(dir, "year.csv");
        int rows;
        await using (var writer = new StreamWriter(file))
        {
            rows = SimulatedConsignments.Write(writer, first, last, perDay, now, new Random(2025), "SIM");
        }
        var sw = Stopwatch.StartNew();
        ImportConsignments.Result imported;
        await using (var db = target.CreateContext(TimeProvider.System))
        {
            db.Viewer = agency;
            await using var stream = File.OpenRead(file);
            imported = await ImportConsignments.RunAsync(db, stream, "year (simulated).csv", new ImportConsignments.Options(Simulated: true), TimeProvider.System);
        }
        var importSeconds = sw.Elapsed.TotalSeconds;
        if (!imported.Committed || imported.Imported != rows)
        {
            throw new InvalidOperationException("import failed: " + string.Join("; ", imported.Errors.Take(3).Select(e => $"{e.Row} {e.Field} {e.Message}")));
        }
        long events, lines;
        await using (var connection = new SqliteConnection(target.ConnectionString))
        {
            await connection.OpenAsync();
            events = await Scalar(connection, "SELECT count(*) FROM consignment_events");
            lines = await Scalar(connection, "SELECT count(*) FROM consignment_lines");
        }
        var rawSeconds = await RawInsertAsync(Path.Combine(dir, "raw.db"), rows, lines, events);
        var csvMb = new FileInfo(file).Length / 1e6;
        Console.WriteLine($"Humanitarian access on SQLite (simulated consignments; Release, {Environment.ProcessorCount} cores).");
        Console.WriteLine();
        Console.WriteLine($"1. Import: {rows:N0} consignments ({days} days at {perDay:N0} a day), {lines:N0} commodity lines, {events:N0} stage events, {csvMb:0} MB of CSV");
        Console.WriteLine($"   truceline importer (parse, check, bulk insert, rollups, one commit):  {importSeconds,8:0.0} s   {rows / importSeconds,9:N0} consignments/s");
        Console.WriteLine($"   baseline: the same number of rows inserted raw, one transaction:    {rawSeconds,8:0.0} s");
        Console.WriteLine($"   ratio {importSeconds / rawSeconds:0.0}x the baseline; target under 60 s: {(importSeconds < 60 ? "met" : "NOT met")}");

        // 2. Every dashboard figure over the year, over HTTP and as the query alone.
        var app = TrucelineApp.Build(new ServeOptions(target, "http://127.0.0.1:0", false, TimeProvider.System, AppContext.BaseDirectory, new PersonalData(new byte[32])));
        await app.StartAsync();
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            var range = $"from={first:yyyy-MM-dd}&to={last:yyyy-MM-dd}";
            Console.WriteLine();
            Console.WriteLine($"2. Dashboard figures over {first:yyyy-MM-dd}..{last:yyyy-MM-dd}, median of 21 after 3 warm-up (target: each under 100 ms)");
            var results = new List<(string What, double Ms)>();
            foreach (var (what, path) in new[]
            {
                ("GET /api/v1/aid/figures (all of them, one answer)", $"/api/v1/aid/figures?{range}"),
                ("GET /api/v1/aid/monthly", $"/api/v1/aid/monthly?{range}"),
                ("GET /aid (the dashboard page, with its map)", $"/aid?{range}"),
                ("GET /aid/daily (the records behind the figures, offloaded)", $"/aid/daily?stage=offloaded&{range}"),
            })
            {
                results.Add((what, await Measure.MedianMsAsync(async () => (await client.GetAsync(path)).EnsureSuccessStatusCode())));
            }
            // A download of the whole table rather than a figure: measured for scale, outside the target.
            var export = await Measure.MedianMsAsync(async () => (await client.GetAsync("/api/v1/aid/export/daily.csv")).EnsureSuccessStatusCode(), runs: 5);
            await using (var db = target.CreateContext(TimeProvider.System))
            {
                db.Viewer = Viewer.Anonymous;
                var period = new AidFigures.Period(first, last);
                results.Add(("  query: trucks and tonnes entered by day, crossing, commodity", await Measure.MedianMsAsync(() => AidFigures.EnteredAsync(db, period, default))));
                results.Add(("  query: funnel with losses", await Measure.MedianMsAsync(() => AidFigures.FunnelAsync(db, period, default))));
                results.Add(("  query: median and 90th percentile time in stage", await Measure.MedianMsAsync(() => AidFigures.StageTimesAsync(db, period, default))));
                results.Add(("  query: distributions per head, equity index", await Measure.MedianMsAsync(() => AidFigures.DistributionsAsync(db, period, default))));
                results.Add(("  query: impediments by kind and reason", await Measure.MedianMsAsync(() => AidFigures.ImpedimentsAsync(db, period, default))));
            }
            foreach (var (what, ms) in results)
            {
                Console.WriteLine($"   {what,-66} {ms,8:0.0} ms");
            }
            var naive = await Measure.MedianMsAsync(async () =>
            {
                await using var connection = new SqliteConnection(target.ConnectionString);
                await connection.OpenAsync();
                await using var cmd = connection.CreateCommand();
                cmd.CommandText = """
                    SELECT substr(e.at, 1, 10) AS day, c.crossing, c.category, count(*), sum(c.trucks), sum(c.tonnes)
                    FROM consignment_events e JOIN consignments c ON c.id = e.consignment_id
                    WHERE e.stage = 'Offloaded' AND e.at >= $from AND e.at < $to
                    GROUP BY 1, 2, 3
                    """;
                cmd.Parameters.AddWithValue("$from", first.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                cmd.Parameters.AddWithValue("$to", last.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                await using var reader = await cmd.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                }
            }, runs: 5);
            var slowest = results.Max(r => r.Ms);
            Console.WriteLine($"   baseline: the naive query (trucks entered per day from the events, no rollup) {naive,8:0.0} ms");
            Console.WriteLine($"   slowest figure {slowest:0.0} ms = {slowest / naive:0.000} of the naive query; target each under 100 ms: {(slowest < 100 ? "met" : "NOT met")}");
            Console.WriteLine($"   for scale, not a figure: GET /api/v1/aid/export/daily.csv, the whole rollup as CSV with HXL {export,8:0.0} ms");

            // 3. Durable stage transitions over HTTP.
            await MovesAsync(target, client, token, agency, now, moveCount, dir);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static async Task MovesAsync(DatabaseTarget target, HttpClient client, string token, Viewer agency, DateTime now, int count, string dir)
    {
        // Consignments requested yesterday, to be moved on: cleared, arrived at the crossing, offloaded.
        var file = Path.Combine(dir, "requested.csv");
        await using (var w = new StreamWriter(file))
        {
            await w.WriteAsync("reference,crossing,destination_governorate,category,trucks,tonnes,requested_at\n");
            for (var i = 0; i < count; i++)
            {
                await w.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"MOVE-{i:000000},Kerem Shalom,PS0270,food,10,200,{now.AddDays(-1):yyyy-MM-ddTHH:mm:ssZ}\n"));
            }
        }
        await using (var db = target.CreateContext(TimeProvider.System))
        {
            db.Viewer = agency;
            await using var stream = File.OpenRead(file);
            var result = await ImportConsignments.RunAsync(db, stream, "requested (simulated).csv", new ImportConsignments.Options(Simulated: true), TimeProvider.System);
            if (result.Imported != count)
            {
                throw new InvalidOperationException("could not set up the consignments to move");
            }
        }
        List<Guid> ids;
        await using (var connection = new SqliteConnection(target.ConnectionString))
        {
            await connection.OpenAsync();
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "SELECT id FROM consignments WHERE reference LIKE 'MOVE-%' ORDER BY reference";
            ids = [];
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                ids.Add(Guid.Parse(reader.GetString(0)));
            }
        }
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var at = now.AddHours(-20);

        // Batches of 1,000, two senders: each batch is committed (WAL, synchronous=FULL) before its answer.
        const int batch = 1000;
        var batches = ids.Chunk(batch).ToList();
        var next = -1;
        var sw = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 2).Select(async _ =>
        {
            int b;
            while ((b = Interlocked.Increment(ref next)) < batches.Count)
            {
                var body = new { moves = batches[b].Select(id => new { consignmentId = id, stage = "cleared", at }).ToList() };
                using var response = await client.PostAsJsonAsync("/api/v1/consignments/stages", body);
                response.EnsureSuccessStatusCode();
            }
        }));
        var batched = ids.Count / sw.Elapsed.TotalSeconds;

        // One per request, 32 senders, on the first 5,000.
        var single = ids.Take(5000).ToList();
        next = -1;
        sw.Restart();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < single.Count)
            {
                using var response = await client.PostAsJsonAsync($"/api/v1/consignments/{single[i]}/stages", new { stage = "arrived-at-crossing", at = at.AddHours(1) });
                response.EnsureSuccessStatusCode();
            }
        }));
        var one = single.Count / sw.Elapsed.TotalSeconds;

        // Baseline: the same change made raw (update the consignment, insert its event), 1,000 per transaction.
        var raw = await RawMovesAsync(Path.Combine(dir, "raw-moves.db"), ids.Count);
        Console.WriteLine();
        Console.WriteLine($"3. Durable stage transitions over HTTP ({ids.Count:N0} consignments; WAL, synchronous=FULL; load generator in the same process)");
        Console.WriteLine($"   POST /api/v1/consignments/stages, batches of {batch:N0}, 2 senders:    {batched,9:N0} transitions/s");
        Console.WriteLine($"   POST /api/v1/consignments/{{id}}/stages, one per request, 32 senders:  {one,9:N0} transitions/s");
        Console.WriteLine($"   baseline: raw update + insert, 1,000 per transaction:               {raw,9:N0} transitions/s");
        Console.WriteLine($"   batched = {batched / raw:0.000} of the baseline; target at least 5,000/s: {(batched >= 5000 ? "met (batched)" : "NOT met")}");
    }

    private static async Task<double> RawInsertAsync(string path, long consignments, long lines, long events)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using (var setup = connection.CreateCommand())
        {
            setup.CommandText = """
                PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
                CREATE TABLE consignments (id TEXT PRIMARY KEY, reference TEXT, crossing TEXT, destination TEXT, category TEXT, trucks REAL, tonnes REAL, stage TEXT, stage_at TEXT, created_at TEXT);
                CREATE TABLE consignment_lines (id TEXT PRIMARY KEY, consignment_id TEXT, category TEXT, description TEXT, tonnes REAL);
                CREATE TABLE consignment_events (id TEXT PRIMARY KEY, consignment_id TEXT, from_stage TEXT, stage TEXT, at TEXT, recorded_at TEXT, recorded_by TEXT);
                """;
            await setup.ExecuteNonQueryAsync();
        }
        var sw = Stopwatch.StartNew();
        await using var tx = connection.BeginTransaction();
        await Insert(connection, "INSERT INTO consignments VALUES ($1, $2, 'Kerem Shalom', 'PS0270', 'Food', 10, 200, 'ReachedDestination', '2026-11-20 12:00:00', '2026-11-21 12:00:00')", consignments, 2);
        await Insert(connection, "INSERT INTO consignment_lines VALUES ($1, $2, 'Food', 'food (simulated)', 200)", lines, 2);
        await Insert(connection, "INSERT INTO consignment_events VALUES ($1, $2, 'Cleared', 'ArrivedAtCrossing', '2026-11-20 12:00:00', '2026-11-21 12:00:00', 'bench')", events, 2);
        await tx.CommitAsync();
        return sw.Elapsed.TotalSeconds;
    }

    private static async Task Insert(SqliteConnection connection, string sql, long count, int parameters)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        var p = Enumerable.Range(1, parameters).Select(i => cmd.Parameters.Add(new SqliteParameter($"${i}", null))).ToArray();
        for (long i = 0; i < count; i++)
        {
            p[0].Value = Guid.CreateVersion7().ToString();
            p[1].Value = Guid.CreateVersion7().ToString();
            await cmd.ExecuteNonQueryAsync();
        }
    }

    private static async Task<double> RawMovesAsync(string path, int count)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        var ids = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7().ToString()).ToArray();
        await using (var setup = connection.CreateCommand())
        {
            setup.CommandText = """
                PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
                CREATE TABLE consignments (id TEXT PRIMARY KEY, stage TEXT, stage_at TEXT);
                CREATE TABLE consignment_events (id TEXT PRIMARY KEY, consignment_id TEXT, from_stage TEXT, stage TEXT, at TEXT);
                """;
            await setup.ExecuteNonQueryAsync();
        }
        await using (var tx = connection.BeginTransaction())
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "INSERT INTO consignments VALUES ($id, 'Requested', '2026-11-20 12:00:00')";
            var p = cmd.Parameters.Add(new SqliteParameter("$id", null));
            foreach (var id in ids)
            {
                p.Value = id;
                await cmd.ExecuteNonQueryAsync();
            }
            await tx.CommitAsync();
        }
        var sw = Stopwatch.StartNew();
        foreach (var chunk in ids.Chunk(1000))
        {
            await using var tx = connection.BeginTransaction();
            await using var update = connection.CreateCommand();
            update.CommandText = "UPDATE consignments SET stage = 'Cleared', stage_at = '2026-11-21 12:00:00' WHERE id = $id";
            var u = update.Parameters.Add(new SqliteParameter("$id", null));
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO consignment_events VALUES ($e, $id, 'Requested', 'Cleared', '2026-11-21 12:00:00')";
            var e = insert.Parameters.Add(new SqliteParameter("$e", null));
            var c = insert.Parameters.Add(new SqliteParameter("$id", null));
            foreach (var id in chunk)
            {
                u.Value = id;
                await update.ExecuteNonQueryAsync();
                e.Value = Guid.CreateVersion7().ToString();
                c.Value = id;
                await insert.ExecuteNonQueryAsync();
            }
            await tx.CommitAsync();
        }
        return count / sw.Elapsed.TotalSeconds;
    }

    private static async Task<long> Scalar(SqliteConnection connection, string sql)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }
}
