using System.Diagnostics;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using Truceline.Access;
using Truceline.Geo;

namespace Truceline.Bench;

/// <summary>
/// Zone and line classification of points (issue: at least 1,000,000 points/s). The zones are the real layers read
/// in place from ../shared (OCHA governorates, crossings, held area, al-Mawasi, the derived yellow line); the points
/// are random within the Strip's bounding box (simulated). The baseline, run beside it, is the naive approach: each
/// governorate polygon's own Contains, no index, no prepared geometry, governorate only.
/// </summary>
public static class Classification
{
    private static string SharedData()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(Path.Combine(candidate, "boundaries")))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException("../shared/data not found above the benchmark binaries.");
    }

    private static List<Zone> Layer(string data, string file, ZoneKind kind, string? code, DateOnly? from = null)
    {
        var features = GeoJson.Read(File.ReadAllText(Path.Combine(data, file))).Value!;
        var writer = new WKBWriter();
        return features.Select((f, i) => new Zone
        {
            Code = (code is null ? null : f.Text(code)) ?? $"{kind}-{i}", Name = f.Text("name") ?? kind.ToString(), Kind = kind, Source = file,
            Geometry = writer.Write(f.Geometry), ValidFrom = from, LeftSide = "east", RightSide = "west",
        }).ToList();
    }

    public static void Run(int points = 1_000_000)
    {
        var data = SharedData();
        var zones = Layer(data, "boundaries/ocha-codab-pse-adm2-gaza-governorates-20231019.geojson", ZoneKind.Governorate, "ADM2_PCODE")
            .Concat(Layer(data, "crossings/gaza-crossings.geojson", ZoneKind.Crossing, "name"))
            .Concat(Layer(data, "yellow-line-and-zones/idf-held-area-behind-yellow-line-2025-10-19.geojson", ZoneKind.Area, null, new DateOnly(2025, 10, 19)))
            .Concat(Layer(data, "yellow-line-and-zones/al-mawasi-humanitarian-area.geojson", ZoneKind.Area, null))
            .Concat(Layer(data, "yellow-line-and-zones/yellow-line-approx-derived-2025-10-19.geojson", ZoneKind.Line, null, new DateOnly(2025, 10, 19)))
            .ToList();
        var catalog = ZoneCatalog.FromZones(zones);
        var day = new DateOnly(2025, 11, 1);
        var viewer = Viewer.System("bench");
        var random = new Random(20251010);
        // Reports are placed inside the area (a point outside is refused at intake): the main figure uses points inside
        // the Strip; the mixed set, random over its bounding box (55% outside), shows the cost of refusing.
        var inside = new (double Lon, double Lat)[points];
        var mixed = new (double Lon, double Lat)[points];
        for (int i = 0, n = 0; n < points; i++)
        {
            var p = (34.20 + (random.NextDouble() * 0.38), 31.21 + (random.NextDouble() * 0.39));
            if (i < points)
            {
                mixed[i] = p;
            }
            if (catalog.Classify(p.Item1, p.Item2, day, viewer) is { Governorate: not null, MetersOutsideGovernorates: null })
            {
                inside[n++] = p;
            }
        }
        var governorates = zones.Where(z => z.Kind == ZoneKind.Governorate).Select(z => new WKBReader().Read(z.Geometry)).ToList();
        var factory = GeoJson.Wgs84;
        Console.WriteLine($"Simulated points: {points:N0} inside the Strip and {points:N0} over its bounding box; zones: {zones.Count} real features from ../shared.");

        double Rate(int count, Action<int> work)
        {
            for (var i = 0; i < Math.Min(count, 20_000); i++)
            {
                work(i); // warm-up
            }
            var sw = Stopwatch.StartNew();
            for (var i = 0; i < count; i++)
            {
                work(i);
            }
            return count / sw.Elapsed.TotalSeconds;
        }
        double ParallelRate(int count, Action<int> work)
        {
            var sw = Stopwatch.StartNew();
            Parallel.For(0, count, work);
            return count / sw.Elapsed.TotalSeconds;
        }
        var sink = 0;
        var naive = Rate(50_000, i =>
        {
            var p = factory.CreatePoint(new Coordinate(inside[i].Lon, inside[i].Lat));
            foreach (var g in governorates)
            {
                if (g.Contains(p))
                {
                    sink++;
                    break;
                }
            }
        });
        Console.WriteLine($"  baseline, naive Polygon.Contains per governorate (governorate only), one core: {naive,12:N0} points/s");
        var one = Rate(points, i => catalog.Classify(inside[i].Lon, inside[i].Lat, day, viewer));
        Console.WriteLine($"  full classification (governorate, areas, crossings, line side and distance), one core: {one,12:N0} points/s  ratio {one / naive,5:N1}");
        var all = ParallelRate(points, i => catalog.Classify(inside[i].Lon, inside[i].Lat, day, viewer));
        Console.WriteLine($"  full classification, {Environment.ProcessorCount} cores: {all,12:N0} points/s  ratio {all / naive,5:N1}");
        var mix = ParallelRate(points, i => catalog.Classify(mixed[i].Lon, mixed[i].Lat, day, viewer));
        Console.WriteLine($"  full classification of the bounding-box set (55% outside, nearest outline measured), {Environment.ProcessorCount} cores: {mix,12:N0} points/s");
        Console.WriteLine($"  target 1,000,000 points/s (points inside the area, {Environment.ProcessorCount} cores): {(all >= 1_000_000 ? "met" : "NOT met")}");
        GC.KeepAlive(sink);
    }
}
