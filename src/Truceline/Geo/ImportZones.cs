using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using NetTopologySuite.Geometries.Utilities;
using NetTopologySuite.IO;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Geo;

/// <summary>
/// Loads zones or lines from GeoJSON features. A new version of a code (a line that moved) closes the
/// version in force before it on the day before it starts; overlapping versions are refused.
/// </summary>
public static class ImportZones
{
    public sealed record Options(
        ZoneKind Kind,
        string Source,
        string? CodeProperty = null,
        string? NameProperty = null,
        DateOnly? ValidFrom = null,
        DateOnly? ValidTo = null,
        string? Approximation = null,
        string? LeftSide = null,
        string? RightSide = null,
        Classification Classification = Classification.Public,
        string? ApproximationProperty = null,
        string? AliasesProperty = null);

    public sealed record Result(IReadOnlyList<Zone> Imported, IReadOnlyList<string> Closed, IReadOnlyList<string> Repaired);

    public const string VersionKey = "zones.version";

    public static Task<Outcome<Result>> RunAsync(TrucelineDb db, IReadOnlyList<GeoFeature> features, Options options, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync(db, () => DecideAsync(db, features, options, time, ct), ct);

    private static async Task<Outcome<Result>> DecideAsync(TrucelineDb db, IReadOnlyList<GeoFeature> features, Options options, TimeProvider time, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(options.Source))
        {
            errors.Add("source", "is required: where the geometry comes from");
        }
        if (options.ValidFrom > options.ValidTo)
        {
            errors.Add("validTo", "must not be before validFrom");
        }
        if (features.Count == 0)
        {
            errors.Add("$.features", "there is nothing to import");
        }
        var repaired = new List<string>();
        var prepared = new List<(string Code, string Name, Geometry Geometry, string? Approximation, string? Aliases)>();
        foreach (var (f, i) in features.Select((f, i) => (f, i)))
        {
            var at = $"$.features[{i}]";
            var code = (options.CodeProperty is null ? f.Id ?? f.Text("code") : f.Text(options.CodeProperty))?.Trim();
            var name = (options.NameProperty is null ? f.Text("name") : f.Text(options.NameProperty))?.Trim() ?? code;
            if (string.IsNullOrEmpty(code) || code.Length > 64)
            {
                errors.Add($"{at}.properties.{options.CodeProperty ?? "code"}", "every feature needs a code (at most 64 characters)");
                continue;
            }
            if (prepared.Any(p => p.Code == code))
            {
                errors.Add($"{at}.properties.{options.CodeProperty ?? "code"}", $"'{code}' is used twice in the file");
                continue;
            }
            if (f.Geometry is not { } geometry)
            {
                errors.Add($"{at}.geometry", "a zone needs a geometry");
                continue;
            }
            var fits = options.Kind switch
            {
                ZoneKind.Governorate or ZoneKind.Area => geometry is Polygon or MultiPolygon,
                ZoneKind.Crossing => geometry is Point or Polygon or MultiPolygon,
                ZoneKind.Line => geometry is LineString or MultiLineString,
            };
            if (!fits)
            {
                errors.Add($"{at}.geometry", $"a {options.Kind.ToString().ToLowerInvariant()} cannot be a {geometry.GeometryType}");
                continue;
            }
            if (!geometry.IsValid)
            {
                // Digitised outlines often cross themselves; the repaired shape is kept and the import says so.
                geometry = GeometryFixer.Fix(geometry);
                repaired.Add(code);
            }
            // A per-feature note (how precise this one geometry is) goes before the layer's general one.
            var approximation = (options.ApproximationProperty is null ? null : f.Text(options.ApproximationProperty)) ?? options.Approximation;
            var aliases = options.AliasesProperty is null ? null : string.Join("; ", Zone.SplitAliases(f.Text(options.AliasesProperty)));
            if (aliases is { Length: > 1000 } || (aliases ?? "").Any(char.IsControl))
            {
                errors.Add($"{at}.properties.{options.AliasesProperty}", "must be at most 1000 characters, without control characters");
            }
            prepared.Add((code, name!, geometry, string.IsNullOrWhiteSpace(approximation) ? null : approximation.Trim(), string.IsNullOrEmpty(aliases) ? null : aliases));
        }
        // A name may stand for one zone of a kind only, or an import naming it could not tell which one it means.
        if (prepared.Any(p => p.Aliases is not null))
        {
            var others = await db.Zones.IgnoreQueryFilters().Where(z => z.Kind == options.Kind).Select(z => new { z.Code, z.Name, z.Aliases }).ToListAsync(ct);
            var names = others.Select(o => (o.Code, Names: (IEnumerable<string>)[o.Code, o.Name, .. Zone.SplitAliases(o.Aliases)]))
                .Concat(prepared.Select(p => (p.Code, Names: (IEnumerable<string>)[p.Code, p.Name, .. Zone.SplitAliases(p.Aliases)]))).ToList();
            foreach (var p in prepared)
            {
                foreach (var alias in Zone.SplitAliases(p.Aliases))
                {
                    if (names.FirstOrDefault(n => n.Code != p.Code && n.Names.Contains(alias, StringComparer.OrdinalIgnoreCase)) is { Code: { } taken })
                    {
                        errors.Add($"properties.{options.AliasesProperty}", $"'{alias}' of {p.Code} already names the {options.Kind.ToString().ToLowerInvariant()} {taken}");
                    }
                }
            }
        }
        if (errors.Any)
        {
            return errors.ToFailure();
        }

        var codes = prepared.Select(p => p.Code).ToList();
        var existing = await db.Zones.IgnoreQueryFilters().Where(z => codes.Contains(z.Code)).ToListAsync(ct);
        var closed = new List<string>();
        foreach (var (code, _, _, _, _) in prepared)
        {
            foreach (var old in existing.Where(z => z.Code == code))
            {
                // The version in force until now ends the day before the new one starts.
                if (old.ValidTo is null && options.ValidFrom is { } from && (old.ValidFrom is null || old.ValidFrom < from) && options.ValidTo is null)
                {
                    old.ValidTo = from.AddDays(-1);
                    closed.Add($"{code} (from {old.ValidFrom?.ToString("yyyy-MM-dd") ?? "the start"} now ends {old.ValidTo:yyyy-MM-dd})");
                    continue;
                }
                var overlaps = (old.ValidFrom is null || options.ValidTo is null || old.ValidFrom <= options.ValidTo)
                    && (old.ValidTo is null || options.ValidFrom is null || options.ValidFrom <= old.ValidTo);
                if (overlaps)
                {
                    return Failure.Conflict("Zone versions overlap",
                        $"{code} is already in force from {old.ValidFrom?.ToString("yyyy-MM-dd") ?? "the start"} to {old.ValidTo?.ToString("yyyy-MM-dd") ?? "now"}; give the new version a --valid-from after that (nothing was imported).");
                }
            }
        }

        var now = time.GetUtcNow().UtcDateTime;
        var zones = prepared.Select(p => new Zone
        {
            Code = p.Code,
            Name = p.Name,
            Kind = options.Kind,
            Geometry = Wkb.Write(p.Geometry),
            ValidFrom = options.ValidFrom,
            ValidTo = options.ValidTo,
            Source = options.Source.Trim(),
            Approximation = p.Approximation,
            // A new version keeps the names the earlier ones went by (added with 'zones alias' or from their file).
            Aliases = existing.Where(z => z.Code == p.Code).SelectMany(z => Zone.SplitAliases(z.Aliases)).Concat(Zone.SplitAliases(p.Aliases))
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList() is { Count: > 0 } all ? string.Join("; ", all) : null,
            LeftSide = options.LeftSide,
            RightSide = options.RightSide,
            Classification = options.Classification,
            OwnerOrganisationId = db.Viewer.OrganisationId,
            CreatedAt = now,
        }).ToList();
        db.Zones.AddRange(zones);
        await BumpVersionAsync(db, ct);
        await db.SaveChangesAsync(ct);
        return new Result(zones, closed, repaired);
    }

    private static readonly WKBWriter Wkb = new();

    /// <summary>Tells every node's <see cref="ZoneCatalog"/> that the zones changed.</summary>
    internal static async Task BumpVersionAsync(TrucelineDb db, CancellationToken ct)
    {
        var setting = await db.Settings.FirstOrDefaultAsync(s => s.Key == VersionKey, ct);
        if (setting is null)
        {
            db.Settings.Add(new Setting { Key = VersionKey, Value = Guid.NewGuid().ToString("N") });
        }
        else
        {
            setting.Value = Guid.NewGuid().ToString("N");
        }
    }
}
