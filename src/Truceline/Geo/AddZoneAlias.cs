using Microsoft.EntityFrameworkCore;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Geo;

/// <summary>
/// Gives a zone another name it goes by, so imports that spell it differently find it (UNRWA's truck data says
/// "Rafah Crossing" for the crossing a boundary file calls "Rafah"). Every version of the zone's code gets the alias; a
/// name that already belongs to another zone of the same kind is refused, since an import could not tell them apart.
/// </summary>
public static class AddZoneAlias
{
    public const int MaxLength = 100;

    public static Task<Outcome<IReadOnlyList<Zone>>> RunAsync(TrucelineDb db, string? code, string? alias, CancellationToken ct = default) =>
        Writes.InTransactionAsync(db, async () =>
        {
            var errors = new FieldErrors();
            var name = alias?.Trim();
            if (string.IsNullOrEmpty(name))
            {
                errors.Add("alias", "is required");
            }
            else if (name.Length > MaxLength || name.Contains(';') || name.Any(char.IsControl))
            {
                errors.Add("alias", $"must be at most {MaxLength} characters, without ';' or control characters");
            }
            if (errors.Any)
            {
                return errors.ToFailure();
            }
            var zones = await db.Zones.Where(z => z.Code == code).ToListAsync(ct);
            if (zones.Count == 0)
            {
                return Failure.NotFound($"There is no zone with the code '{code}'.");
            }
            var kind = zones[0].Kind;
            var others = await db.Zones.AsNoTracking().Where(z => z.Kind == kind && z.Code != code).Select(z => new { z.Code, z.Name, z.Aliases }).ToListAsync(ct);
            var clash = others.FirstOrDefault(o => Same(o.Code, name!) || Same(o.Name, name!) || Zone.SplitAliases(o.Aliases).Any(a => Same(a, name!)));
            if (clash is not null)
            {
                return Failure.Conflict("Alias taken", $"'{name}' already names the {kind.ToString().ToLowerInvariant()} {clash.Code}.");
            }
            foreach (var z in zones.Where(z => !Same(z.Code, name!) && !Same(z.Name, name!) && !z.AliasList().Any(a => Same(a, name!))))
            {
                z.Aliases = string.Join("; ", z.AliasList().Append(name!));
            }
            await ImportZones.BumpVersionAsync(db, ct);
            await db.SaveChangesAsync(ct);
            return new Outcome<IReadOnlyList<Zone>>(zones, null);
        }, ct);

    private static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
