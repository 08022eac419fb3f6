using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using NetTopologySuite.IO;
using NetTopologySuite.Simplify;
using Truceline.Data;
using Truceline.Geo;

namespace Truceline.Web.Aid;

/// <summary>What the dashboard's map draws: the governorates (shaded by what reached each per person in need) and the
/// crossings (sized by trucks entered), with the figures beside them, travelling in the page.</summary>
public static class AidMap
{
    // About 100 m: boundaries drawn at dashboard scale need no more, and the page stays small for slow connections.
    private const double SimplifyDegrees = 0.001;

    public static async Task<string> JsonAsync(TrucelineDb db, AidFiguresView f, CancellationToken ct)
    {
        var zones = (await db.Zones.AsNoTracking().Where(z => z.Kind == ZoneKind.Governorate || z.Kind == ZoneKind.Crossing).ToListAsync(ct))
            .Where(z => z.InForceOn(f.To)).ToList();
        var reader = new WKBReader(GeoJson.Wgs84.GeometryServices);
        var writer = new WKBWriter();
        foreach (var z in zones.Where(z => z.Kind == ZoneKind.Governorate))
        {
            // Not tracked: the simplified outline is drawn, never saved.
            z.Geometry = writer.Write(TopologyPreservingSimplifier.Simplify(reader.Read(z.Geometry), SimplifyDegrees));
        }
        return JsonSerializer.Serialize(new
        {
            zones = JsonDocument.Parse(Truceline.Web.Geo.ZonesApi.FeatureCollection(zones)).RootElement,
            governorates = f.Distributions.Governorates.ToDictionary(g => g.Governorate, g => new { name = g.Name, tonnes = g.Tonnes, kgPerHead = g.KgPerHead, kgPerPersonInNeed = g.KgPerPersonInNeed }),
            crossings = f.ByCrossing.ToDictionary(b => b.Key, b => new { trucks = b.Trucks, tonnes = b.Tonnes }),
            range = $"from={f.From:yyyy-MM-dd}&to={f.To:yyyy-MM-dd}",
        });
    }
}
