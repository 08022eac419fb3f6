using System.Diagnostics;
using Truceline.Access;
using Truceline.Incidents;

namespace Truceline.Bench;

/// <summary>
/// Grouping of 1,000,000 reports into incidents (issue 3: under 10 s). Measures the assignment itself — each report
/// matched against the open incidents through the in-memory index, new incidents opened — as GroupReports does per
/// batch, without the database. Baseline beside it: sorting the same reports by (type, day), the least any grouping
/// must do. Reports are simulated: events of one to four reports, six types, a year, over the Strip.
/// </summary>
public static class Grouping
{
    public static void Run(int count = 1_000_000)
    {
        var random = new Random(7);
        string[] types = ["Shelling", "Air/drone strike", "Armed clash", "Attack", "Gunfire", "Demolition"];
        var reports = new List<Report>(count);
        while (reports.Count < count)
        {
            // One event, told by one to four reports a few hundred metres and at most a day apart.
            var (lat, lon) = (31.25 + (random.NextDouble() * 0.30), 34.25 + (random.NextDouble() * 0.25));
            var day = new DateOnly(2025, 10, 10).AddDays(random.Next(365));
            var type = types[random.Next(types.Length)];
            for (var n = 1 + random.Next(4); n > 0 && reports.Count < count; n--)
            {
                reports.Add(new Report
                {
                    EventType = type, OccurredOn = day.AddDays(random.Next(2)), Latitude = lat + (random.NextDouble() * 0.004), Longitude = lon + (random.NextDouble() * 0.004),
                    GeoPrecision = 1 + random.Next(2), TimePrecision = 1, Classification = Truceline.Access.Classification.Restricted, Structured = true,
                });
            }
        }
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(reports));

        var sw = Stopwatch.StartNew();
        var sorted = reports.OrderBy(r => r.EventType, StringComparer.Ordinal).ThenBy(r => r.OccurredOn).ToList();
        var baseline = sw.Elapsed;
        GC.KeepAlive(sorted);

        sw.Restart();
        var index = new IncidentIndex();
        var incidents = 0;
        foreach (var r in reports)
        {
            var match = index.Match(r);
            if (match is null)
            {
                match = new Incident
                {
                    EventType = r.EventType!, OccurredOn = r.OccurredOn!.Value, Latitude = r.Latitude!.Value, Longitude = r.Longitude!.Value,
                    GeoPrecision = r.GeoPrecision, Classification = r.Classification,
                };
                index.Add(match);
                incidents++;
            }
            r.IncidentId = match.Id;
        }
        var grouping = sw.Elapsed;
        Console.WriteLine($"Grouping {count:N0} simulated reports (events of 1-4 reports, {types.Length} types, 365 days, over the Strip), one core:");
        Console.WriteLine($"  assignment through the index: {grouping.TotalSeconds,6:0.00} s  -> {incidents:N0} incidents ({count / grouping.TotalSeconds:N0} reports/s)");
        Console.WriteLine($"  baseline, sorting the same reports by (type, day): {baseline.TotalSeconds,6:0.00} s  ratio {grouping / baseline:0.0}");
        Console.WriteLine($"  target under 10 s for the assignment: {(grouping.TotalSeconds < 10 ? "met" : "NOT met")} (storing the result is not in this figure)");
    }
}
