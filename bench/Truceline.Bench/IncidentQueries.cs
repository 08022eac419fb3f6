using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Truceline.Access;
using Truceline.Data;
using Truceline.Incidents;
using Truceline.Web.Incidents;

namespace Truceline.Bench;

/// <summary>
/// The incident list (first keyset page, filtered) and the daily counts over 1,000,000 stored incidents (issue 3: each
/// under 100 ms). Incidents are simulated and inserted raw into a migrated SQLite file; the queries are the ones the
/// API and pages run (<see cref="IncidentFilter"/>, <see cref="IncidentQueries"/>), as a participating reader.
/// Baseline beside them: a bare COUNT(*) over the table.
/// </summary>
public static class IncidentQueriesBench
{
    /// <summary>The sets of parties the simulated incidents allege, as an incident keeps them.</summary>
    private static readonly string[] PartySets = ["|israel|", "|hamas|", "|hamas||israel|", ""];

    public static async Task RunAsync(int count = 1_000_000)
    {
        var dir = Directory.CreateTempSubdirectory("truceline-incidents-");
        var target = DatabaseTarget.Parse(Path.Combine(dir.FullName, "incidents.db"));
        await Migrator.MigrateAsync(target);
        var random = new Random(3);
        string[] types = ["Shelling", "Air/drone strike", "Armed clash", "Attack", "Gunfire", "Demolition"];
        string[] governorates = ["PS0255", "PS0260", "PS0265", "PS0270", "PS0275"];
        string[] states = ["Reported", "UnderReview", "Verified", "NotVerified", "Disputed", "Dismissed"];
        var sw = Stopwatch.StartNew();
        await using (var connection = new SqliteConnection(target.ConnectionString))
        {
            await connection.OpenAsync();
            await using var tx = connection.BeginTransaction();
            await using var insert = connection.CreateCommand();
            insert.CommandText = """
                INSERT INTO incidents (id, agreement_id, state, occurred_on, latitude, longitude, geo_precision, governorate_code, event_type, sub_event_type,
                    alleged_parties, report_count, source_count, confidence, confidence_reasons, created_at, updated_at, classification, owner_organisation_id, confidential_to)
                VALUES ($id, NULL, $state, $day, $lat, $lon, 1, $gov, $type, NULL, $parties, 1, 1, 'Low', '[]', $at, $at, 'Restricted', NULL, NULL)
                """;
            var p = new[] { "$id", "$state", "$day", "$lat", "$lon", "$gov", "$type", "$at", "$parties" }.Select(n => insert.Parameters.Add(new SqliteParameter(n, null))).ToArray();
            for (var i = 0; i < count; i++)
            {
                p[0].Value = Guid.CreateVersion7().ToString().ToUpperInvariant();
                p[1].Value = states[random.Next(states.Length)];
                p[2].Value = new DateOnly(2025, 10, 10).AddDays(random.Next(365)).ToString("yyyy-MM-dd");
                p[3].Value = 31.25 + (random.NextDouble() * 0.3);
                p[4].Value = 34.25 + (random.NextDouble() * 0.25);
                p[5].Value = governorates[random.Next(governorates.Length)];
                p[6].Value = types[random.Next(types.Length)];
                p[7].Value = "2026-11-21 12:00:00";
                p[8].Value = PartySets[random.Next(PartySets.Length)];
                await insert.ExecuteNonQueryAsync();
            }
            await tx.CommitAsync();
        }
        Console.WriteLine($"Inserted {count:N0} simulated incidents in {sw.Elapsed.TotalSeconds:0.0} s.");
        // As the server does when it starts (the migrator's statistics step).
        await Migrator.MigrateAsync(target);
        await using var db = target.CreateContext(TimeProvider.System);
        db.Viewer = Viewer.ForUser(Guid.NewGuid(), "bench", Role.Coordinator, Guid.NewGuid(), participates: true);

        async Task<double> Median(Func<Task> work)
        {
            for (var i = 0; i < 3; i++)
            {
                await work(); // warm-up
            }
            var times = new List<double>();
            for (var i = 0; i < 9; i++)
            {
                var t = Stopwatch.StartNew();
                await work();
                times.Add(t.Elapsed.TotalMilliseconds);
            }
            return times.Order().ElementAt(times.Count / 2);
        }
        var baseline = await Median(async () =>
        {
            await using var c = new SqliteConnection(target.ConnectionString);
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM incidents";
            await cmd.ExecuteScalarAsync();
        });
        var list = await Median(() => IncidentsApi.ListIncidents(null, 50, null, null, null, null, null, null, db, CancellationToken.None));
        var filtered = await Median(() => IncidentsApi.ListIncidents(null, 50, IncidentState.Verified, "PS0270", "Shelling", new DateOnly(2026, 1, 1), new DateOnly(2026, 3, 31), null, db, CancellationToken.None));
        // A page deep in the list: half a year back, as a reader walking the cursor would reach it.
        var deep = await Median(() => IncidentsApi.ListIncidents("2026-04-01_ffffffff-ffff-ffff-ffff-ffffffffffff", 50, null, null, null, null, null, null, db, CancellationToken.None));
        var typeOnly = await Median(() => IncidentsApi.ListIncidents(null, 50, null, null, "Shelling", null, null, null, db, CancellationToken.None));
        var govYear = await Median(() => IncidentsApi.ListIncidents(null, 50, null, "PS0270", null, new DateOnly(2025, 10, 10), new DateOnly(2026, 10, 9), null, db, CancellationToken.None));
        var period = await Median(() => IncidentsApi.ListIncidents(null, 50, null, null, null, new DateOnly(2026, 1, 1), new DateOnly(2026, 3, 31), null, db, CancellationToken.None));
        var typeYear = await Median(() => IncidentQueries.CountsAsync(db, new IncidentFilter(new DateOnly(2025, 10, 10), new DateOnly(2026, 10, 9), "Shelling", null, "PS0270", null), new DateOnly(2026, 11, 21), CancellationToken.None));
        var partyWeek = await Median(() => IncidentQueries.CountsAsync(db, new IncidentFilter(new DateOnly(2026, 9, 1), new DateOnly(2026, 9, 7), null, null, null, "israel"), new DateOnly(2026, 11, 21), CancellationToken.None));
        var partyYear = await Median(() => IncidentQueries.CountsAsync(db, new IncidentFilter(new DateOnly(2025, 10, 10), new DateOnly(2026, 10, 9), null, null, null, "israel"), new DateOnly(2026, 11, 21), CancellationToken.None));
        // The naive way: the same two breakdowns of a year and the year before, grouped from the incidents themselves.
        var naiveYear = await Median(async () =>
        {
            await using var c = new SqliteConnection(target.ConnectionString);
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = """
                SELECT occurred_on, event_type, count(*) FROM incidents WHERE state <> 'Dismissed' AND occurred_on BETWEEN '2024-10-11' AND '2026-10-09' GROUP BY occurred_on, event_type;
                SELECT governorate_code, state, occurred_on >= '2025-10-10', count(*) FROM incidents WHERE state <> 'Dismissed' AND occurred_on BETWEEN '2024-10-11' AND '2026-10-09' GROUP BY 1, 2, 3;
                """;
            await using var reader = await cmd.ExecuteReaderAsync();
            do
            {
                while (await reader.ReadAsync())
                {
                }
            }
            while (await reader.NextResultAsync());
        });
        // The same for one party, as counts by party were read before the party rollup: from the incidents, with LIKE.
        var naivePartyYear = await Median(async () =>
        {
            await using var c = new SqliteConnection(target.ConnectionString);
            await c.OpenAsync();
            await using var cmd = c.CreateCommand();
            cmd.CommandText = """
                SELECT occurred_on, event_type, count(*) FROM incidents WHERE state <> 'Dismissed' AND occurred_on BETWEEN '2024-10-11' AND '2026-10-09' AND alleged_parties LIKE '%|israel|%' GROUP BY occurred_on, event_type;
                SELECT governorate_code, state, occurred_on >= '2025-10-10', count(*) FROM incidents WHERE state <> 'Dismissed' AND occurred_on BETWEEN '2024-10-11' AND '2026-10-09' AND alleged_parties LIKE '%|israel|%' GROUP BY 1, 2, 3;
                """;
            await using var reader = await cmd.ExecuteReaderAsync();
            do
            {
                while (await reader.ReadAsync())
                {
                }
            }
            while (await reader.NextResultAsync());
        });
        var week = await Median(() => IncidentQueries.CountsAsync(db, new IncidentFilter(new DateOnly(2026, 9, 1), new DateOnly(2026, 9, 7), null, null, null, null), new DateOnly(2026, 11, 21), CancellationToken.None));
        var year = await Median(() => IncidentQueries.CountsAsync(db, new IncidentFilter(new DateOnly(2025, 10, 10), new DateOnly(2026, 10, 9), null, null, null, null), new DateOnly(2026, 11, 21), CancellationToken.None));
        Console.WriteLine($"Over {count:N0} incidents (SQLite, one reader, median of 9):");
        Console.WriteLine($"  baseline, SELECT COUNT(*) FROM incidents:           {baseline,8:0.0} ms");
        Console.WriteLine($"  list, first page of 50, no filter:                  {list,8:0.0} ms");
        Console.WriteLine($"  list, first page, state+governorate+type+3 months:  {filtered,8:0.0} ms");
        Console.WriteLine($"  daily counts, one week (and the week before):       {week,8:0.0} ms");
        Console.WriteLine($"  daily counts, one year (and the year before):       {year,8:0.0} ms");
        Console.WriteLine($"  list, first page, three months only:                {period,8:0.0} ms");
        Console.WriteLine($"  list, a page half a year back (by cursor):          {deep,8:0.0} ms");
        Console.WriteLine($"  list, first page, one type only:                    {typeOnly,8:0.0} ms");
        Console.WriteLine($"  list, first page, one governorate over a year:      {govYear,8:0.0} ms");
        Console.WriteLine($"  daily counts, one year, one type and governorate:   {typeYear,8:0.0} ms");
        Console.WriteLine($"  daily counts, one week by party (party rollup):    {partyWeek,8:0.0} ms");
        Console.WriteLine($"  daily counts, one year by party (party rollup):    {partyYear,8:0.0} ms");
        Console.WriteLine($"  naive baseline, a year's counts from the table:     {naiveYear,8:0.0} ms (the same breakdowns grouped from the incidents)");
        Console.WriteLine($"  naive baseline, a year's counts by party:           {naivePartyYear,8:0.0} ms (the same, one party, from the incidents)");
        Console.WriteLine($"  target under 100 ms (every list and count query): {(new[] { list, filtered, period, deep, typeOnly, govYear, week, year, typeYear, partyWeek, partyYear }.All(t => t < 100) ? "met" : "NOT met for every query")}");
        dir.Delete(recursive: true);
    }
}
