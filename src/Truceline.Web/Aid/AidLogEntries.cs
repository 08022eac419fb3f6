using Microsoft.EntityFrameworkCore;
using Truceline.Data;
using Truceline.Transparency;

namespace Truceline.Web.Aid;

/// <summary>Where each day's published aid total is in the transparency log (its latest entry, corrections included).</summary>
public static class AidLogEntries
{
    public static async Task<IReadOnlyDictionary<DateOnly, long>> ForDaysAsync(TrucelineDb db, IReadOnlyCollection<DateOnly> days, CancellationToken ct)
    {
        var ids = days.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var found = new Dictionary<DateOnly, long>();
        foreach (var chunk in ids.Chunk(400))
        {
            foreach (var e in await db.LogEntries.AsNoTracking().Where(e => e.Kind == Publications.AidDaily && chunk.Contains(e.RecordId))
                .GroupBy(e => e.RecordId).Select(g => new { g.Key, Index = g.Max(e => e.Index) }).ToListAsync(ct))
            {
                found[DateOnly.ParseExact(e.Key, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)] = e.Index;
            }
        }
        return found;
    }
}
