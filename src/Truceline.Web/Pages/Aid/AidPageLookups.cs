using Microsoft.EntityFrameworkCore;
using Truceline.Data;
using Truceline.Geo;

namespace Truceline.Web.Pages.Aid;

/// <summary>The places the aid forms offer, by name, read without their geometry.</summary>
public static class AidPageLookups
{
    public static Task<List<(string Code, string Name)>> GovernoratesAsync(TrucelineDb db, CancellationToken ct) => ZonesAsync(db, ZoneKind.Governorate, ct);

    public static Task<List<(string Code, string Name)>> CrossingsAsync(TrucelineDb db, CancellationToken ct) => ZonesAsync(db, ZoneKind.Crossing, ct);

    public static string NameOf(IEnumerable<(string Code, string Name)> zones, string? code) =>
        code is null ? "" : zones.FirstOrDefault(z => z.Code == code).Name ?? code;

    private static async Task<List<(string Code, string Name)>> ZonesAsync(TrucelineDb db, ZoneKind kind, CancellationToken ct) =>
        (await db.Zones.AsNoTracking().Where(z => z.Kind == kind).OrderBy(z => z.Name).Select(z => new { z.Code, z.Name }).ToListAsync(ct))
            .Select(z => (z.Code, z.Name)).Distinct().ToList();
}
