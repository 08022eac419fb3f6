using NetTopologySuite.Geometries;
using Truceline.Geo;

namespace Truceline.Tests.Geo;

public sealed class GeoJsonTests
{
    private static string Fixtures => Path.Combine(TestPaths.Shared, "data", "formats", "geojson-rfc7946");

    public static TheoryData<string> Good => [.. Directory.GetFiles(Path.Combine(Fixtures, "good"), "*.geojson").Select(f => Path.GetFileName(f)).Order()];

    public static TheoryData<string> Bad => [.. Directory.GetFiles(Path.Combine(Fixtures, "bad"), "*.geojson").Select(f => Path.GetFileName(f)).Order()];

    /// <summary>mapbox/geojsonhint reports these as advice, not errors, and RFC 7946 lets a parser accept them:
    /// winding order (§3.1.6: SHOULD NOT reject), numeric feature ids (§3.2 allows them), excess precision,
    /// nested or single-member geometry collections (SHOULD avoid), a fourth position element (SHOULD NOT extend).</summary>
    private static readonly HashSet<string> AdviceOnly =
    [
        "bad-polygon-interiorring-rhr.geojson", "polygon_winding_order.geojson", "excessive_precision_truncated.geojson",
        "geometrycollection_nested.geojson", "geometrycollection_single.geojson", "bad-feature-with-number-id.geojson",
    ];

    [Theory, MemberData(nameof(Good))]
    public void EveryValidFixtureIsRead(string file)
    {
        var outcome = GeoJson.Read(File.ReadAllText(Path.Combine(Fixtures, "good", file)));
        if (file == "issue82.geojson")
        {
            // Well-formed, but its longitudes (-259…) are outside WGS 84: geojsonhint does not check ranges; we do.
            Assert.Contains("outside the world", outcome.Failure!.Detail);
            return;
        }
        Assert.True(outcome.Succeeded, outcome.Failure?.Detail);
    }

    [Theory, MemberData(nameof(Bad))]
    public void EveryInvalidFixtureIsRefusedNamingWhere(string file)
    {
        var outcome = GeoJson.Read(File.ReadAllText(Path.Combine(Fixtures, "bad", file)));
        if (AdviceOnly.Contains(file))
        {
            Assert.True(outcome.Succeeded, outcome.Failure?.Detail);
            return;
        }
        Assert.False(outcome.Succeeded, $"{file} was accepted");
        Assert.NotEmpty(outcome.Failure!.Errors!);
        Assert.All(outcome.Failure.Errors!.Keys, k => Assert.StartsWith("$", k));
    }

    [Fact]
    public void TheGazaGovernoratesAreReadWithTheirNamesAndContainTheirCities()
    {
        var outcome = GeoJson.Read(File.ReadAllText(Path.Combine(TestPaths.Shared, "data", "boundaries", "ocha-codab-pse-adm2-gaza-governorates-20231019.geojson")));
        Assert.True(outcome.Succeeded, outcome.Failure?.Detail);
        var byName = outcome.Value!.ToDictionary(f => f.Text("ADM2_EN")!);
        Assert.Equal(["Deir Al-Balah", "Gaza", "Khan Younis", "North Gaza", "Rafah"], byName.Keys.Order());
        var gazaCity = GeoJson.Wgs84.CreatePoint(new Coordinate(34.4668, 31.5017));
        var khanYounis = GeoJson.Wgs84.CreatePoint(new Coordinate(34.3063, 31.3462));
        Assert.True(byName["Gaza"].Geometry!.Contains(gazaCity));
        Assert.True(byName["Khan Younis"].Geometry!.Contains(khanYounis));
        Assert.False(byName["Rafah"].Geometry!.Contains(gazaCity));
        Assert.Equal("PS0255", byName["North Gaza"].Text("ADM2_PCODE"));
    }

    [Fact]
    public void HostileDocumentsAreRefusedWithAClearReason()
    {
        Assert.Contains("not valid JSON", GeoJson.Read(new string('[', 100_000)).Failure!.Detail);
        Assert.Contains("outside the world", GeoJson.Read("""{"type":"Point","coordinates":[31.5,134.4]}""").Failure!.Detail);
        Assert.Contains("not valid JSON", GeoJson.Read("""{"type":"Point","coordinates":[NaN,1]}""").Failure!.Detail);
        Assert.Contains("appears twice", GeoJson.Read("""{"type":"Point","type":"Point","coordinates":[1,1]}""").Failure!.Detail);
        var many = "{\"type\":\"MultiPoint\",\"coordinates\":[" + string.Join(",", Enumerable.Repeat("[1,1]", GeoJson.MaxPositions + 1)) + "]}";
        Assert.Contains($"more than {GeoJson.MaxPositions} positions", GeoJson.Read(many).Failure!.Detail);
    }
}
