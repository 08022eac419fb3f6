using System.Diagnostics;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Truceline.Access;
using Truceline.Data;
using Truceline.Transparency;

namespace Truceline.Bench;

/// <summary>
/// The transparency log on SQLite (issue 5: at least 10,000 appends a second; inclusion and consistency proofs under
/// 1 ms at 10 million leaves). Appends go through <see cref="TransparencyLog.AppendManyAsync"/> in the writer's
/// transaction, 1,000 per commit, and one per commit for scale; proofs through the stored subtrees. Baselines in the
/// same run: the same rows inserted raw, and one primary-key lookup of a stored node. Records are simulated.
/// </summary>
public static class LogBench
{
    public static async Task RunAsync(long leaves)
    {
        var dir = Directory.CreateTempSubdirectory("truceline-log-");
        try
        {
            var target = DatabaseTarget.Parse(Path.Combine(dir.FullName, "log.db"));
            await Migrator.MigrateAsync(target);
            var at = new DateTime(2026, 11, 21, 12, 0, 0, DateTimeKind.Utc);
            TransparencyLog.Item Item(long i) => new("provision-status", Guid.CreateVersion7().ToString(), new JsonObject
            {
                ["agreement"] = "gaza-cp", ["provision"] = $"P2-SIM-{i % 500:000}", ["fromStatus"] = (int)(i % 3), ["toStatus"] = (int)(i % 3) + 1,
                ["effectiveOn"] = "2026-11-21", ["evidence"] = $"Simulated evidence for the benchmark, record {i}",
            }, Simulated: true);

            const int batch = 1000;
            var sw = Stopwatch.StartNew();
            await using (var db = target.CreateContext(TimeProvider.System))
            {
                db.Viewer = Viewer.System("bench");
                for (long start = 0; start < leaves; start += batch)
                {
                    await using var tx = await Writes.BeginAsync(db);
                    var items = new List<TransparencyLog.Item>(batch);
                    for (var i = start; i < Math.Min(start + batch, leaves); i++)
                    {
                        items.Add(Item(i));
                    }
                    await TransparencyLog.AppendManyAsync(db, items, at, default);
                    await tx.CommitAsync();
                    if (start % 1_000_000 == 0 && start > 0)
                    {
                        Console.WriteLine($"  … {start:N0} leaves, {start / sw.Elapsed.TotalSeconds:N0}/s");
                    }
                }
            }
            var batched = leaves / sw.Elapsed.TotalSeconds;

            // One record per commit, as a single status change publishes it (durable each: WAL, synchronous=FULL).
            const int singles = 2000;
            sw.Restart();
            await using (var db = target.CreateContext(TimeProvider.System))
            {
                db.Viewer = Viewer.System("bench");
                for (var i = 0; i < singles; i++)
                {
                    await using var tx = await Writes.BeginAsync(db);
                    await TransparencyLog.AppendManyAsync(db, [Item(leaves + i)], at, default);
                    await tx.CommitAsync();
                }
            }
            var single = singles / sw.Elapsed.TotalSeconds;
            var size = leaves + singles;

            // Baseline: the same rows (an entry and about two nodes per leaf) inserted raw, 1,000 leaves per commit.
            var rawRows = Math.Min(leaves, 200_000);
            var raw = await RawAsync(Path.Combine(dir.FullName, "raw.db"), rawRows);

            // Proofs over the stored subtrees, at random places, median of 1,001 after 100 warm-up.
            var random = new Random(7);
            await using var read = target.CreateContext(TimeProvider.System);
            read.Viewer = Viewer.Anonymous;
            var inclusion = await Measure.MedianMsAsync(() => TransparencyLog.InclusionAsync(read, random.NextInt64(size), size, default), runs: 1001, warmUp: 100);
            var consistency = await Measure.MedianMsAsync(() => TransparencyLog.ConsistencyAsync(read, 1 + random.NextInt64(size - 1), size, default), runs: 1001, warmUp: 100);
            var root = await Measure.MedianMsAsync(() => TransparencyLog.RootAsync(read, size, default), runs: 101, warmUp: 100);
            await using var connection = new SqliteConnection(target.ConnectionString);
            await connection.OpenAsync();
            await using var lookup = connection.CreateCommand();
            lookup.CommandText = "SELECT hash FROM log_nodes WHERE level = 0 AND idx = $i";
            var p = lookup.Parameters.Add(new SqliteParameter("$i", 0L));
            var one = await Measure.MedianMsAsync(async () =>
            {
                p.Value = random.NextInt64(size);
                await lookup.ExecuteScalarAsync();
            }, runs: 1001, warmUp: 100);
            var mb = new FileInfo(Path.Combine(dir.FullName, "log.db")).Length / 1e6;

            Console.WriteLine($"Transparency log on SQLite ({size:N0} simulated leaves, {mb:N0} MB; WAL, synchronous=FULL; {Environment.ProcessorCount} cores)");
            Console.WriteLine($"  appends, 1,000 per commit (AppendManyAsync in the writer's transaction): {batched,10:N0} leaves/s");
            Console.WriteLine($"  appends, one per commit (each durable before the next):                  {single,10:N0} leaves/s");
            Console.WriteLine($"  baseline: the same rows inserted raw, 1,000 leaves per commit:           {raw,10:N0} leaves/s");
            Console.WriteLine($"  ratio {batched / raw:0.00} of the baseline; target at least 10,000/s: {(batched >= 10_000 ? "met (batched)" : "NOT met")}");
            Console.WriteLine($"  inclusion proof at {size:N0} leaves (one query for its subtrees), median: {inclusion * 1000,8:0.0} µs");
            Console.WriteLine($"  consistency proof to {size:N0} leaves, median:                         {consistency * 1000,8:0.0} µs");
            Console.WriteLine($"  root of {size:N0} leaves from the stored subtrees, median:              {root * 1000,8:0.0} µs");
            Console.WriteLine($"  baseline: one stored node by primary key, median:                       {one * 1000,8:0.0} µs");
            Console.WriteLine($"  target under 1 ms each: {(Math.Max(inclusion, consistency) < 1 ? "met" : "NOT met")}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static async Task<double> RawAsync(string path, long leaves)
    {
        await using var connection = new SqliteConnection($"Data Source={path}");
        await connection.OpenAsync();
        await using (var setup = connection.CreateCommand())
        {
            setup.CommandText = """
                PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;
                CREATE TABLE log_entries (idx INTEGER PRIMARY KEY, kind TEXT, record_id TEXT, corrects INTEGER, body TEXT, leaf_hash TEXT, published_at TEXT);
                CREATE UNIQUE INDEX ix_leaf ON log_entries (leaf_hash);
                CREATE INDEX ix_record ON log_entries (kind, record_id, idx);
                CREATE TABLE log_nodes (level INTEGER, idx INTEGER, hash TEXT, PRIMARY KEY (level, idx));
                """;
            await setup.ExecuteNonQueryAsync();
        }
        var body = new string('x', 260);
        var sw = Stopwatch.StartNew();
        for (long start = 0; start < leaves; start += 1000)
        {
            await using var tx = connection.BeginTransaction();
            await using var entry = connection.CreateCommand();
            entry.CommandText = "INSERT INTO log_entries VALUES ($i, 'provision-status', $r, NULL, $b, $h, '2026-11-21 12:00:00')";
            var pi = entry.Parameters.Add(new SqliteParameter("$i", 0L));
            var pr = entry.Parameters.Add(new SqliteParameter("$r", ""));
            var pb = entry.Parameters.Add(new SqliteParameter("$b", body));
            var ph = entry.Parameters.Add(new SqliteParameter("$h", ""));
            await using var node = connection.CreateCommand();
            node.CommandText = "INSERT INTO log_nodes VALUES ($l, $i, $h)";
            var nl = node.Parameters.Add(new SqliteParameter("$l", 0));
            var ni = node.Parameters.Add(new SqliteParameter("$i", 0L));
            var nh = node.Parameters.Add(new SqliteParameter("$h", ""));
            for (var i = start; i < Math.Min(start + 1000, leaves); i++)
            {
                var hash = Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + "AAAAAAAAAAAAAAAAAAAA";
                pi.Value = i; pr.Value = Guid.CreateVersion7().ToString(); ph.Value = hash;
                await entry.ExecuteNonQueryAsync();
                // A leaf and, on average, one completed parent.
                nl.Value = 0; ni.Value = i; nh.Value = hash;
                await node.ExecuteNonQueryAsync();
                nl.Value = 1 + (int)(i % 20); ni.Value = i; nh.Value = hash;
                await node.ExecuteNonQueryAsync();
            }
            await tx.CommitAsync();
        }
        return leaves / sw.Elapsed.TotalSeconds;
    }
}
