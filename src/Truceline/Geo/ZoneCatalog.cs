using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Algorithm.Locate;
using NetTopologySuite.Geometries;
using NetTopologySuite.Index.Strtree;
using NetTopologySuite.IO;
using Truceline.Access;
using Truceline.Data;

namespace Truceline.Geo;

public sealed record LinePosition(string Code, string Name, string Side, double DistanceMeters, string? Approximation);

public sealed record ZoneRef(string Code, string Name, ZoneKind Kind, string? Approximation);

/// <summary>Where a point lies on a day: its governorate (or how far outside), the areas and crossings it is in or
/// near, and for each line in force, which side it is on and how far away.</summary>
public sealed record PlaceClassification(
    ZoneRef? Governorate,
    double? MetersOutsideGovernorates,
    bool OutsideArea,
    IReadOnlyList<ZoneRef> Zones,
    IReadOnlyList<LinePosition> Lines);

/// <summary>
/// The zones and lines of every version, indexed once (prepared point-in-area locators, an STR-tree of
/// envelopes, line segments projected per query) and rebuilt only when an import changes the zones'
/// version. A cache: every node rebuilds it from the database, so no state lives only here.
/// </summary>
public sealed class ZoneCatalog
{
    /// <summary>A point this far outside every governorate still belongs to the nearest (crossings sit on the boundary).</summary>
    public const double GovernorateToleranceMeters = 3_000;

    /// <summary>A report this close to a crossing point counts as at the crossing.</summary>
    public const double CrossingRadiusMeters = 1_500;

    private Index? _index;
    private readonly SemaphoreSlim _rebuild = new(1, 1);

    private sealed class Entry(Zone zone, Geometry geometry)
    {
        public Zone Zone { get; } = zone;

        public Geometry Geometry { get; } = geometry;

        public IPointOnGeometryLocator? Locator { get; } = geometry is Polygon or MultiPolygon ? new IndexedPointInAreaLocator(geometry) : null;

        public Coordinate[][] Parts { get; } = geometry switch
        {
            Polygon or MultiPolygon => Enumerable.Range(0, geometry.NumGeometries).SelectMany(i => Rings((Polygon)geometry.GetGeometryN(i))).ToArray(),
            _ => Enumerable.Range(0, geometry.NumGeometries).Select(i => geometry.GetGeometryN(i).Coordinates).ToArray(),
        };

        private static IEnumerable<Coordinate[]> Rings(Polygon p) => new[] { p.ExteriorRing.Coordinates }.Concat(p.InteriorRings.Select(r => r.Coordinates));

        public ZoneRef Ref { get; } = new(zone.Code, zone.Name, zone.Kind, zone.Approximation);
    }

    private sealed class Index
    {
        public required string Version { get; init; }

        public required Entry[] Entries { get; init; }

        public required STRtree<Entry> Areas { get; init; }

        // Split once by kind, so a classification walks short arrays instead of filtering every entry.
        public required Entry[] Governorates { get; init; }

        public required Entry[] CrossingPoints { get; init; }

        public required Entry[] Lines { get; init; }
    }

    /// <summary>The zones' version this catalog was built from, or null before it is first loaded.</summary>
    public string? Version => _index?.Version;

    /// <summary>
    /// The catalog as last loaded, without asking the database (it is loaded the first time). For a writer that checks
    /// <see cref="Version"/> against the database in its own transaction, as report intake does once per batch.
    /// </summary>
    public Task<ZoneCatalog> LoadedAsync(TrucelineDb db, CancellationToken ct = default) => _index is null ? CurrentAsync(db, ct) : Task.FromResult(this);

    /// <summary>The zones' version as stored now.</summary>
    public static async Task<string> StoredVersionAsync(TrucelineDb db, CancellationToken ct = default) =>
        await db.Settings.Where(s => s.Key == ImportZones.VersionKey).Select(s => s.Value).FirstOrDefaultAsync(ct) ?? "";

    /// <summary>The catalog for the zones as they are now in the database (one cheap query to check the version).</summary>
    public async Task<ZoneCatalog> CurrentAsync(TrucelineDb db, CancellationToken ct = default)
    {
        var version = await StoredVersionAsync(db, ct);
        if (_index?.Version == version)
        {
            return this;
        }
        await _rebuild.WaitAsync(ct);
        try
        {
            if (_index?.Version != version)
            {
                var zones = await db.Zones.IgnoreQueryFilters().AsNoTracking().ToListAsync(ct);
                _index = Build(version, zones);
            }
        }
        finally
        {
            _rebuild.Release();
        }
        return this;
    }

    /// <summary>A catalog of the given zones, without a database (tests, benchmarks).</summary>
    public static ZoneCatalog FromZones(IEnumerable<Zone> zones) => new() { _index = Build("fixed", [.. zones]) };

    private static Index Build(string version, List<Zone> zones)
    {
        var reader = new WKBReader(GeoJson.Wgs84.GeometryServices);
        var entries = zones.Select(z => new Entry(z, reader.Read(z.Geometry))).ToArray();
        var tree = new STRtree<Entry>();
        foreach (var e in entries.Where(e => e.Locator is not null))
        {
            e.Locator!.Locate(e.Geometry.InteriorPoint.Coordinate); // build the locator's index now, not under load
            tree.Insert(e.Geometry.EnvelopeInternal, e);
        }
        tree.Build();
        return new Index
        {
            Version = version,
            Entries = entries,
            Areas = tree,
            Governorates = entries.Where(e => e.Zone.Kind == ZoneKind.Governorate).ToArray(),
            CrossingPoints = entries.Where(e => e.Zone.Kind == ZoneKind.Crossing && e.Geometry is Point).ToArray(),
            Lines = entries.Where(e => e.Zone.Kind == ZoneKind.Line).ToArray(),
        };
    }

    public bool HasGovernorates(DateOnly day) => _index!.Entries.Any(e => e.Zone.Kind == ZoneKind.Governorate && e.Zone.InForceOn(day));

    /// <summary>Classifies a point for a reader: zones the reader may not see are left out.</summary>
    public PlaceClassification Classify(double longitude, double latitude, DateOnly day, Viewer viewer)
    {
        var index = _index ?? throw new InvalidOperationException("Call CurrentAsync first.");
        var point = new Coordinate(longitude, latitude);
        var projection = new LocalProjection(latitude);
        ZoneRef? governorate = null;
        var zones = new List<ZoneRef>();
        foreach (var e in index.Areas.Query(new Envelope(point)))
        {
            if (!e.Zone.InForceOn(day) || !Visibility.MayRead(viewer, e.Zone) || e.Locator!.Locate(point) == Location.Exterior)
            {
                continue;
            }
            if (e.Zone.Kind == ZoneKind.Governorate)
            {
                governorate ??= e.Ref;
            }
            else
            {
                zones.Add(e.Ref);
            }
        }
        double? outside = null;
        var anyGovernorate = false;
        if (governorate is null)
        {
            // Outside every governorate: the nearest outline. A plain pass over the projected segments measured faster here
            // than NetTopologySuite's IndexedFacetDistance (bench/results/classification.md).
            var nearest = double.MaxValue;
            Entry? closest = null;
            foreach (var g in index.Governorates)
            {
                if (!g.Zone.InForceOn(day) || !Visibility.MayRead(viewer, g.Zone))
                {
                    continue;
                }
                anyGovernorate = true;
                var meters = projection.Distance(point, g.Parts).Meters;
                if (meters < nearest)
                {
                    (nearest, closest) = (meters, g);
                }
            }
            if (closest is not null)
            {
                outside = Math.Round(nearest, 1);
                if (nearest <= GovernorateToleranceMeters)
                {
                    governorate = closest.Ref;
                }
            }
        }
        foreach (var c in index.CrossingPoints)
        {
            if (c.Zone.InForceOn(day) && Visibility.MayRead(viewer, c.Zone) && projection.Distance(point, c.Parts).Meters <= CrossingRadiusMeters)
            {
                zones.Add(c.Ref);
            }
        }
        var lines = new List<LinePosition>(index.Lines.Length);
        foreach (var e in index.Lines)
        {
            if (!e.Zone.InForceOn(day) || !Visibility.MayRead(viewer, e.Zone))
            {
                continue;
            }
            var (meters, left) = projection.Distance(point, e.Parts);
            var side = left ? e.Zone.LeftSide ?? "left" : e.Zone.RightSide ?? "right";
            lines.Add(new LinePosition(e.Zone.Code, e.Zone.Name, side, Math.Round(meters, 1), e.Zone.Approximation));
        }
        return new PlaceClassification(governorate, outside, governorate is null && anyGovernorate, zones, lines);
    }
}

/// <summary>
/// Metres around one latitude (an equirectangular projection centred on the query point). Over the tens of
/// kilometres of the Gaza Strip it is within 0.5% of the geodesic distance, and it costs a few multiplications.
/// </summary>
public readonly struct LocalProjection(double latitude)
{
    private const double MetresPerDegreeLatitude = 110_574.0;
    private readonly double _metresPerDegreeLongitude = 111_320.0 * Math.Cos(latitude * Math.PI / 180.0);

    /// <summary>The distance from a point to the nearest segment of the parts, and whether the point lies to the
    /// left of that segment's direction.</summary>
    public (double Meters, bool Left) Distance(Coordinate point, Coordinate[][] parts)
    {
        var best = double.MaxValue;
        var left = false;
        foreach (var part in parts)
        {
            if (part.Length == 1)
            {
                var dx0 = (part[0].X - point.X) * _metresPerDegreeLongitude;
                var dy0 = (part[0].Y - point.Y) * MetresPerDegreeLatitude;
                var d0 = (dx0 * dx0) + (dy0 * dy0);
                if (d0 < best)
                {
                    best = d0;
                }
                continue;
            }
            for (var i = 1; i < part.Length; i++)
            {
                // Segment a→b and the point p, in metres relative to p.
                var ax = (part[i - 1].X - point.X) * _metresPerDegreeLongitude;
                var ay = (part[i - 1].Y - point.Y) * MetresPerDegreeLatitude;
                var bx = (part[i].X - point.X) * _metresPerDegreeLongitude;
                var by = (part[i].Y - point.Y) * MetresPerDegreeLatitude;
                var abx = bx - ax;
                var aby = by - ay;
                var lengthSquared = (abx * abx) + (aby * aby);
                var t = lengthSquared == 0 ? 0 : Math.Clamp(-((ax * abx) + (ay * aby)) / lengthSquared, 0, 1);
                var cx = ax + (t * abx);
                var cy = ay + (t * aby);
                var d = (cx * cx) + (cy * cy);
                if (d < best)
                {
                    best = d;
                    // The sign of (b − a) × (p − a), with p at the origin.
                    left = (abx * -ay) - (aby * -ax) > 0;
                }
            }
        }
        return (Math.Sqrt(best), left);
    }
}
