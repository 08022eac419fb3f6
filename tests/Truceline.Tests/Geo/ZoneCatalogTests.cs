using System.Globalization;
using NetTopologySuite.Geometries;
using NetTopologySuite.IO;
using Truceline.Access;
using Truceline.Geo;

namespace Truceline.Tests.Geo;

public sealed class ZoneCatalogTests
{
    private static readonly DateOnly Day = new(2025, 11, 1);
    private static string Data => Path.Combine(TestPaths.Shared, "data");

    private static IEnumerable<Zone> Read(string file, ZoneKind kind, string codeProperty, string nameProperty, string? left = null, string? right = null, DateOnly? from = null, DateOnly? to = null)
    {
        var features = GeoJson.Read(File.ReadAllText(Path.Combine(Data, file))).Value!;
        return features.Select((f, i) => new Zone
        {
            Code = f.Text(codeProperty) ?? $"{kind}-{i}",
            Name = f.Text(nameProperty) ?? "",
            Kind = kind,
            Geometry = new WKBWriter().Write(f.Geometry),
            Source = file,
            LeftSide = left,
            RightSide = right,
            ValidFrom = from,
            ValidTo = to,
        });
    }

    private static readonly Lazy<ZoneCatalog> Gaza = new(() => ZoneCatalog.FromZones(
        Read("boundaries/ocha-codab-pse-adm2-gaza-governorates-20231019.geojson", ZoneKind.Governorate, "ADM2_PCODE", "ADM2_EN")
        .Concat(Read("crossings/gaza-crossings.geojson", ZoneKind.Crossing, "name", "name"))
        .Concat(Read("yellow-line-and-zones/idf-held-area-behind-yellow-line-2025-10-19.geojson", ZoneKind.Area, "OBJECTID", "Block", from: new DateOnly(2025, 10, 19)))
        .Concat(Read("yellow-line-and-zones/yellow-line-approx-derived-2025-10-19.geojson", ZoneKind.Line, "name", "name", left: "east", right: "west", from: new DateOnly(2025, 10, 19)))));

    [Theory]
    [InlineData(34.4668, 31.5017, "PS0260")] // Gaza City
    [InlineData(34.3063, 31.3462, "PS0270")] // Khan Younis
    [InlineData(34.2500, 31.2800, "PS0275")] // Rafah
    [InlineData(34.3500, 31.4170, "PS0265")] // Deir al-Balah
    [InlineData(34.5000, 31.5500, "PS0255")] // North Gaza
    public void APointIsPlacedInItsGovernorate(double lon, double lat, string pcode)
    {
        var c = Gaza.Value.Classify(lon, lat, Day, Viewer.System("test"));
        Assert.Equal(pcode, c.Governorate?.Code);
        Assert.False(c.OutsideArea);
        Assert.Null(c.MetersOutsideGovernorates);
    }

    [Fact]
    public void APointAtACrossingOnTheBoundaryBelongsToTheNearestGovernorateAndTheCrossing()
    {
        var c = Gaza.Value.Classify(34.27056, 31.22083, Day, Viewer.System("test")); // Kerem Shalom
        Assert.Equal("PS0275", c.Governorate?.Code);
        Assert.Contains(c.Zones, z => z.Kind == ZoneKind.Crossing && z.Code == "Kerem Shalom");
    }

    [Fact]
    public void APointFarOutsideTheStripIsOutsideTheArea()
    {
        var c = Gaza.Value.Classify(34.7818, 32.0853, Day, Viewer.System("test")); // Tel Aviv
        Assert.True(c.OutsideArea);
        Assert.Null(c.Governorate);
        Assert.True(c.MetersOutsideGovernorates > 50_000);
    }

    [Fact]
    public void ThePointsBehindTheYellowLineAreEastOfItAndInTheHeldArea()
    {
        var west = Gaza.Value.Classify(34.4668, 31.5017, Day, Viewer.System("test")); // Gaza City
        var line = Assert.Single(west.Lines);
        Assert.Equal("west", line.Side);
        Assert.DoesNotContain(west.Zones, z => z.Kind == ZoneKind.Area);
        var east = Gaza.Value.Classify(34.3290, 31.2930, Day, Viewer.System("test")); // east of Rafah and Khan Younis
        Assert.Equal("east", Assert.Single(east.Lines).Side);
        Assert.Contains(east.Zones, z => z.Kind == ZoneKind.Area);
        // Before the line was drawn (it is in force from 19 October 2025) nothing is judged against it.
        Assert.Empty(Gaza.Value.Classify(34.4668, 31.5017, new DateOnly(2025, 10, 1), Viewer.System("test")).Lines);
    }

    [Fact]
    public void TheShareOfEachGovernorateBehindTheLineMatchesTheIndependentEstimate()
    {
        // ../shared's derived table sampled the same two layers on a 100 m grid; a 400 m grid must agree within 3 points.
        var expected = File.ReadAllLines(Path.Combine(Data, "yellow-line-and-zones/derived-share-behind-yellow-line-by-governorate.csv"))
            .Skip(1).Select(l => l.Split(',')).Where(f => f[1].Length == 6).ToDictionary(f => f[1], f => double.Parse(f[5], CultureInfo.InvariantCulture));
        var inside = new Dictionary<string, int>();
        var behind = new Dictionary<string, int>();
        const double step = 400.0;
        for (var lat = 31.21; lat <= 31.60; lat += step / 110_574)
        {
            for (var lon = 34.20; lon <= 34.58; lon += step / (111_320 * Math.Cos(lat * Math.PI / 180)))
            {
                var c = Gaza.Value.Classify(lon, lat, Day, Viewer.System("test"));
                if (c.Governorate is not { } g || c.MetersOutsideGovernorates is not null)
                {
                    continue;
                }
                inside[g.Code] = inside.GetValueOrDefault(g.Code) + 1;
                if (c.Zones.Any(z => z.Kind == ZoneKind.Area))
                {
                    behind[g.Code] = behind.GetValueOrDefault(g.Code) + 1;
                }
            }
        }
        Assert.Equal(expected.Keys.Order(), inside.Keys.Order());
        foreach (var (pcode, share) in expected)
        {
            Assert.InRange((double)behind.GetValueOrDefault(pcode) / inside[pcode], share - 0.03, share + 0.03);
        }
    }

    [Fact]
    public void AReportIsJudgedAgainstTheLineInForceOnItsDate()
    {
        // A line that moved: 2 km further east from 1 February.
        var factory = GeoJson.Wgs84;
        Zone Line(double lon, DateOnly? from, DateOnly? to) => new()
        {
            Code = "line", Name = "test line", Kind = ZoneKind.Line, Source = "test", LeftSide = "east", RightSide = "west", ValidFrom = from, ValidTo = to,
            Geometry = new WKBWriter().Write(factory.CreateLineString([new Coordinate(lon, 31.6), new Coordinate(lon, 31.2)])),
        };
        var catalog = ZoneCatalog.FromZones([Line(34.40, null, new DateOnly(2026, 1, 31)), Line(34.42, new DateOnly(2026, 2, 1), null)]);
        var point = (Lon: 34.41, Lat: 31.4);
        var before = Assert.Single(catalog.Classify(point.Lon, point.Lat, new DateOnly(2026, 1, 31), Viewer.System("t")).Lines);
        var after = Assert.Single(catalog.Classify(point.Lon, point.Lat, new DateOnly(2026, 2, 1), Viewer.System("t")).Lines);
        Assert.Equal(("east", "west"), (before.Side, after.Side));
        Assert.InRange(before.DistanceMeters, 945, 960); // 0.01° of longitude at 31.4° N ≈ 950 m
        Assert.InRange(after.DistanceMeters, 945, 960);
    }

    [Fact]
    public void DistancesAgreeWithTheGeodesicWithinHalfAPercent()
    {
        // Gaza City to Rafah crossing, about 35 km: haversine on the WGS 84 mean radius as the reference.
        var (lon1, lat1, lon2, lat2) = (34.4668, 31.5017, 34.25923, 31.24858);
        var p1 = lat1 * Math.PI / 180; var p2 = lat2 * Math.PI / 180;
        var a = Math.Pow(Math.Sin((p2 - p1) / 2), 2) + (Math.Cos(p1) * Math.Cos(p2) * Math.Pow(Math.Sin((lon2 - lon1) * Math.PI / 180 / 2), 2));
        var haversine = 2 * 6_371_008.8 * Math.Asin(Math.Sqrt(a));
        var local = new LocalProjection(lat1).Distance(new Coordinate(lon1, lat1), [[new Coordinate(lon2, lat2)]]).Meters;
        Assert.InRange(local / haversine, 0.995, 1.005);
    }

    [Fact]
    public void AZoneTheReaderMayNotSeeIsLeftOut()
    {
        var secret = new Zone
        {
            Code = "secret", Name = "secret area", Kind = ZoneKind.Area, Source = "test", Classification = Classification.Restricted,
            Geometry = new WKBWriter().Write(GeoJson.Wgs84.CreatePolygon([new(34.3, 31.3), new(34.5, 31.3), new(34.5, 31.5), new(34.3, 31.5), new(34.3, 31.3)])),
        };
        var catalog = ZoneCatalog.FromZones([secret]);
        Assert.Single(catalog.Classify(34.4, 31.4, Day, Viewer.System("t")).Zones);
        Assert.Empty(catalog.Classify(34.4, 31.4, Day, Viewer.Anonymous).Zones);
    }
}
