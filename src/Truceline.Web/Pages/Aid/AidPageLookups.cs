using Microsoft.EntityFrameworkCore;
using Truceline.Data;
using Truceline.Geo;

namespace Truceline.Web.Pages.Aid;

/// <summary>The places the aid forms offer, by name, read without their geometry.</summary>
public static class AidPageLookups
{
    public static Task<List<(string Code, string Name)>> GovernoratesAsync(TrucelineDb db, CancellationToken ct) => ZonesAsync(db, ZoneKind.Governorate, ct);

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, (long At, List<(string Code, string Name)> List)> Recent = new();

    /// <summary>The governorates for a public form served to a crowd (the complaint page): remembered for a minute once
    /// there are some. A boundary imported meanwhile shows within the minute; the choice is checked against the zones.</summary>
    public static async Task<List<(string Code, string Name)>> GovernoratesRecentAsync(TrucelineDb db, CancellationToken ct)
    {
        var key = db.Target ?? "";
        if (Recent.TryGetValue(key, out var hit) && Environment.TickCount64 - hit.At < 60_000)
        {
            return hit.List;
        }
        // Shared by everyone for a minute, so read as the public may see them, whoever happens to load them first.
        var list = (await db.Zones.IgnoreQueryFilters().AsNoTracking()
                .Where(z => z.Kind == ZoneKind.Governorate && z.Classification == Truceline.Access.Classification.Public)
                .OrderBy(z => z.Name).Select(z => new { z.Code, z.Name }).ToListAsync(ct))
            .Select(z => (z.Code, z.Name)).Distinct().ToList();
        if (list.Count > 0)
        {
            Recent[key] = (Environment.TickCount64, list);
        }
        return list;
    }

    public static Task<List<(string Code, string Name)>> CrossingsAsync(TrucelineDb db, CancellationToken ct) => ZonesAsync(db, ZoneKind.Crossing, ct);

    public static string NameOf(IEnumerable<(string Code, string Name)> zones, string? code) =>
        code is null ? "" : zones.FirstOrDefault(z => z.Code == code).Name ?? code;

    private static async Task<List<(string Code, string Name)>> ZonesAsync(TrucelineDb db, ZoneKind kind, CancellationToken ct) =>
        (await db.Zones.AsNoTracking().Where(z => z.Kind == kind).OrderBy(z => z.Name).Select(z => new { z.Code, z.Name }).ToListAsync(ct))
            .Select(z => (z.Code, z.Name)).Distinct().ToList();
}
