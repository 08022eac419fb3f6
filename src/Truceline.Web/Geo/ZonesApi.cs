using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.IO;
using Truceline.Common;
using Truceline.Data;
using Truceline.Geo;
using Truceline.Web.Access;

namespace Truceline.Web.Geo;

public static class ZonesApi
{
    public static void MapZonesApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1").WithTags("Zones and places")
            .RequireAuthorization(p => p.AddAuthenticationSchemes(BearerTokenHandler.SchemeName).RequireAuthenticatedUser());
        api.MapGet("/zones", GetZones).WithSummary("Zones and lines in force on a day, as GeoJSON (all versions without 'on')");
        api.MapGet("/places", ClassifyPlace).WithSummary("Where a point lies on a day: governorate, zones, side of and distance to each line in force");
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetZones(DateOnly? on, string? kind, TrucelineDb db, CancellationToken ct)
    {
        ZoneKind? wanted = null;
        if (kind is not null)
        {
            if (!Enum.TryParse<ZoneKind>(kind, ignoreCase: true, out var k))
            {
                return Failure.Invalid("kind", "must be governorate, crossing, area or line").ToProblem();
            }
            wanted = k;
        }
        var zones = (await db.Zones.AsNoTracking().OrderBy(z => z.Kind).ThenBy(z => z.Code).ThenBy(z => z.ValidFrom).ToListAsync(ct))
            .Where(z => (on is null || z.InForceOn(on.Value)) && (wanted is null || z.Kind == wanted)).ToList();
        return TypedResults.File(FeatureCollection(zones), "application/geo+json");
    }

    public static byte[] FeatureCollection(IEnumerable<Zone> zones)
    {
        var reader = new WKBReader(GeoJson.Wgs84.GeometryServices);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("type", "FeatureCollection");
            w.WriteStartArray("features");
            foreach (var z in zones)
            {
                w.WriteStartObject();
                w.WriteString("type", "Feature");
                w.WriteString("id", $"{z.Code}@{z.ValidFrom?.ToString("yyyy-MM-dd") ?? "start"}");
                w.WriteStartObject("properties");
                w.WriteString("code", z.Code);
                w.WriteString("name", z.Name);
                w.WriteString("kind", z.Kind.ToString().ToLowerInvariant());
                w.WriteString("validFrom", z.ValidFrom?.ToString("yyyy-MM-dd"));
                w.WriteString("validTo", z.ValidTo?.ToString("yyyy-MM-dd"));
                w.WriteString("source", z.Source);
                w.WriteString("approximation", z.Approximation);
                w.WriteString("leftSide", z.LeftSide);
                w.WriteString("rightSide", z.RightSide);
                w.WriteString("classification", z.Classification.ToString().ToLowerInvariant());
                w.WriteEndObject();
                w.WritePropertyName("geometry");
                GeoJsonWriter.Write(w, reader.Read(z.Geometry));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    public static async Task<Results<Ok<PlaceClassification>, ProblemHttpResult>> ClassifyPlace(
        string? lat, string? lon, DateOnly? on, HttpContext http, TrucelineDb db, ZoneCatalog catalog, TimeProvider time, CancellationToken ct)
    {
        var (latitude, longitude, errors) = Coordinates.Parse(lat, lon);
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem();
        }
        var day = on ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        await catalog.CurrentAsync(db, ct);
        return TypedResults.Ok(catalog.Classify(longitude, latitude, day, db.Viewer));
    }
}
