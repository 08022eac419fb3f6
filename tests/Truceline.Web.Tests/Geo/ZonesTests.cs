using System.Net;
using System.Net.Http.Json;
using Truceline.Access;
using Truceline.Data;
using Truceline.Geo;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Geo;

public sealed class ZonesTests(Apps apps)
{
    private static string LineFile(double longitude)
    {
        var path = Path.Combine(Path.GetTempPath(), $"line-{Guid.NewGuid():N}.geojson");
        var x = longitude.ToString(System.Globalization.CultureInfo.InvariantCulture);
        File.WriteAllText(path, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"code\":\"test-line\"},"
            + "\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[" + x + ",31.6],[" + x + ",31.2]]}}]}");
        return path;
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ALineThatMovesIsJudgedByTheVersionInForceOnEachDay(string db)
    {
        var target = Databases.Fresh(db);
        await Migrator.MigrateAsync(target);
        string[] common = ["--kind", "line", "--code-property", "code", "--source", "test", "--left-side", "east", "--right-side", "west", "--db", target.ConnectionString];
        var first = await Executable.RunAsync(["zones", "import", LineFile(34.40), "--valid-from", "2026-01-01", .. common]);
        Assert.True(first.ExitCode == 0, first.All);
        var moved = await Executable.RunAsync(["zones", "import", LineFile(34.42), "--valid-from", "2026-03-01", .. common]);
        Assert.True(moved.ExitCode == 0, moved.All);
        Assert.Contains("Closed the earlier version of test-line (from 2026-01-01 now ends 2026-02-28)", moved.Output);
        var overlap = await Executable.RunAsync(["zones", "import", LineFile(34.43), "--valid-from", "2026-02-01", "--valid-to", "2026-02-10", .. common]);
        Assert.Equal(1, overlap.ExitCode);
        Assert.Contains("test-line is already in force from 2026-01-01 to 2026-02-28", overlap.Output);

        await using var ctx = target.CreateContext(TimeProvider.System);
        ctx.Viewer = Viewer.System("test");
        var catalog = await new ZoneCatalog().CurrentAsync(ctx);
        Assert.Equal("east", Assert.Single(catalog.Classify(34.41, 31.4, new DateOnly(2026, 2, 28), ctx.Viewer).Lines).Side);
        Assert.Equal("west", Assert.Single(catalog.Classify(34.41, 31.4, new DateOnly(2026, 3, 1), ctx.Viewer).Lines).Side);
        Assert.Empty(catalog.Classify(34.41, 31.4, new DateOnly(2025, 12, 31), ctx.Viewer).Lines);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ACrossingKeepsTheOtherNamesItGoesByAndAnAliasCannotNameTwoCrossings(string db)
    {
        var target = Databases.Fresh(db);
        await Migrator.MigrateAsync(target);
        var file = Path.Combine(TestFiles.Shared, "data", "crossings", "gaza-crossings.geojson");
        var imported = await Executable.RunAsync("zones", "import", file, "--kind", "crossing", "--code-property", "name", "--source", "test",
            "--aliases-property", "alt_names", "--db", target.ConnectionString);
        Assert.True(imported.ExitCode == 0, imported.All);

        var added = await Executable.RunAsync("zones", "alias", "Rafah", "Rafah Crossing", "--db", target.ConnectionString);
        Assert.True(added.ExitCode == 0, added.All);
        Assert.Contains("Rafah also goes by: Rafah Border Crossing; معبر رفح; Rafah Crossing.", added.Output);
        var taken = await Executable.RunAsync("zones", "alias", "Erez", "rafah crossing", "--db", target.ConnectionString);
        Assert.Equal(1, taken.ExitCode);
        Assert.Contains("'rafah crossing' already names the crossing Rafah.", taken.All);
        var unknown = await Executable.RunAsync("zones", "alias", "Gate 96", "Gate 96", "--db", target.ConnectionString);
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("There is no zone with the code 'Gate 96'.", unknown.All);
        var bad = await Executable.RunAsync("zones", "alias", "Zikim", "Western Erez; Erez", "--db", target.ConnectionString);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("without ';'", bad.All);

        // A new version of the crossings keeps the names the earlier one went by; a file cannot give a taken name to another.
        var again = await Executable.RunAsync("zones", "import", file, "--kind", "crossing", "--code-property", "name", "--source", "test",
            "--aliases-property", "alt_names", "--valid-from", "2026-06-01", "--db", target.ConnectionString);
        Assert.True(again.ExitCode == 0, again.All);
        var gate = Path.Combine(Path.GetTempPath(), $"gate-{Guid.NewGuid():N}.geojson");
        await File.WriteAllTextAsync(gate, "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":{\"name\":\"Test Gate\",\"alt_names\":\"Gate 1; RAFAH CROSSING\"},"
            + "\"geometry\":{\"type\":\"Point\",\"coordinates\":[34.3,31.3]}}]}");
        var clash = await Executable.RunAsync("zones", "import", gate, "--kind", "crossing", "--code-property", "name", "--source", "test",
            "--aliases-property", "alt_names", "--db", target.ConnectionString);
        Assert.Equal(1, clash.ExitCode);
        Assert.Contains("'RAFAH CROSSING' of Test Gate already names the crossing Rafah", clash.All);

        var list = await Executable.RunAsync("zones", "list", "--db", target.ConnectionString);
        Assert.Contains("Rafah Crossing", list.Output);
        await using var ctx = target.CreateContext(TimeProvider.System);
        ctx.Viewer = Viewer.System("test");
        Assert.Equal("Beit Hanoun crossing; معبر بيت حانون; מעבר ארז", ctx.Zones.Single(z => z.Code == "Erez" && z.ValidFrom != null).Aliases);
        Assert.Equal("Rafah Border Crossing; معبر رفح; Rafah Crossing", ctx.Zones.Single(z => z.Code == "Rafah" && z.ValidFrom != null).Aliases);
        Assert.False(ctx.Zones.Any(z => z.Code == "Test Gate"));
        Assert.Contains(ctx.AuditEntries.Where(a => a.EntityType == "Zone" && a.Action == "changed").Select(a => a.Changes), c => c.Contains("Rafah Crossing"));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ThePlacesApiClassifiesAPointAndNamesBadCoordinates(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        using var client = app.Client(Role.Monitor);
        var place = (await client.GetFromJsonAsync<PlaceClassification>("/api/v1/places?lat=31.3462&lon=34.3063", Json.Options))!;
        Assert.Equal(("PS0270", "Khan Younis", false), (place.Governorate?.Code, place.Governorate?.Name, place.OutsideArea));
        var sea = (await client.GetFromJsonAsync<PlaceClassification>("/api/v1/places?lat=31.50&lon=34.20", Json.Options))!;
        Assert.True(sea.OutsideArea);
        Assert.True(sea.MetersOutsideGovernorates > ZoneCatalog.GovernorateToleranceMeters);

        var bad = await ProblemAssert.IsProblem(await client.GetAsync("/api/v1/places?lat=131.3&lon=34,3"), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("131.3 is out of range (-90 to 90)", bad.FieldErrors("lat")[0]);
        Assert.Equal("'34,3' is not a number in decimal degrees", bad.FieldErrors("lon")[0]);

        var zones = await client.GetAsync("/api/v1/zones?kind=governorate");
        Assert.Equal("application/geo+json", zones.Content.Headers.ContentType?.MediaType);
        var parsed = GeoJson.Read(await zones.Content.ReadAsStringAsync());
        Assert.True(parsed.Succeeded, parsed.Failure?.Detail);
        Assert.Contains(parsed.Value!, f => f.Text("code") == "PS0275" && f.Text("source") == "OCHA COD-AB");
        var kind = await ProblemAssert.IsProblem(await client.GetAsync("/api/v1/zones?kind=ocean"), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("must be governorate, crossing, area or line", Assert.Single(kind.FieldErrors("kind")));
    }

    [Fact]
    public async Task HostileGeoJsonFilesImportNothingAndSayWhy()
    {
        var target = Databases.Fresh("sqlite");
        await Migrator.MigrateAsync(target);
        var broken = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.geojson");
        await File.WriteAllBytesAsync(broken, [.. "{\"type\":\"Point\",\"coordinates\":[34.4,31.5],\"x\":\""u8.ToArray(), 0xC3, 0x28, .. "\"}"u8.ToArray()]);
        var encoding = await Executable.RunAsync("zones", "import", broken, "--kind", "crossing", "--source", "x", "--db", target.ConnectionString);
        Assert.Equal(1, encoding.ExitCode);
        Assert.Contains("is not valid UTF-8", encoding.Output);

        var wrongKind = await Executable.RunAsync("zones", "import", Path.Combine(TestFiles.Shared, "data", "crossings", "gaza-crossings.geojson"),
            "--kind", "governorate", "--code-property", "name", "--source", "x", "--db", target.ConnectionString);
        Assert.Equal(1, wrongKind.ExitCode);
        Assert.Contains("$.features[0].geometry: a governorate cannot be a Point", wrongKind.Output);

        var swapped = Path.Combine(Path.GetTempPath(), $"swapped-{Guid.NewGuid():N}.geojson");
        await File.WriteAllTextAsync(swapped, "{\"type\":\"Feature\",\"id\":\"x\",\"properties\":{},\"geometry\":{\"type\":\"Point\",\"coordinates\":[31.5,134.4]}}");
        var outside = await Executable.RunAsync("zones", "import", swapped, "--kind", "crossing", "--source", "x", "--db", target.ConnectionString);
        Assert.Equal(1, outside.ExitCode);
        Assert.Contains("outside the world (WGS 84: longitude first)", outside.Output);

        await using var ctx = target.CreateContext(TimeProvider.System);
        ctx.Viewer = Viewer.System("test");
        Assert.Empty(ctx.Zones);
    }
}
