using Microsoft.EntityFrameworkCore;
using Truceline.Common;
using Truceline.Data;
using Truceline.Geo;

namespace Truceline.Aid;

/// <summary>What every aid record needs to look up before it is written: who owns it, and the places it names.</summary>
internal static class AidLookups
{
    public sealed record Crossing(Guid Id, string Code, string Name, string? Aliases);

    /// <summary>The writer's organisation, which owns the record (and whose name it carries).</summary>
    public static async Task<Outcome<(Guid Id, string Name)>> OwnerAsync(TrucelineDb db, string what, CancellationToken ct)
    {
        if (db.Viewer.OrganisationId is not { } id)
        {
            return Failure.Invalid("organisation", $"{what} is recorded by a signed-in member of an organisation");
        }
        return (id, await db.Organisations.Where(o => o.Id == id).Select(o => o.Name).FirstAsync(ct));
    }

    public static Task<bool> IsGovernorateAsync(TrucelineDb db, string code, CancellationToken ct) =>
        db.Zones.AnyAsync(z => z.Kind == ZoneKind.Governorate && z.Code == code, ct);

    public static Task<List<Crossing>> CrossingsAsync(TrucelineDb db, CancellationToken ct) =>
        db.Zones.Where(z => z.Kind == ZoneKind.Crossing).Select(z => new Crossing(z.Id, z.Code, z.Name, z.Aliases)).ToListAsync(ct);

    /// <summary>A crossing by its code, else by its name, else by another name it goes by (<see cref="Zone.Aliases"/>), ignoring case.</summary>
    public static Crossing? Match(IReadOnlyList<Crossing> crossings, string text) =>
        crossings.FirstOrDefault(c => string.Equals(c.Code, text, StringComparison.OrdinalIgnoreCase))
        ?? crossings.FirstOrDefault(c => string.Equals(c.Name, text, StringComparison.OrdinalIgnoreCase))
        ?? crossings.FirstOrDefault(c => Zone.SplitAliases(c.Aliases).Any(a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase)));
}
