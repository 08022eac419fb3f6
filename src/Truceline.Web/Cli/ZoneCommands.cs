using System.CommandLine;
using Microsoft.EntityFrameworkCore;
using Spectre.Console;
using Truceline.Access;
using Truceline.Common;
using Truceline.Geo;

namespace Truceline.Web.Cli;

public static partial class TrucelineCli
{
    private static Command ZonesImport()
    {
        var file = new Argument<FileInfo>("FILE") { Description = "A GeoJSON file (RFC 7946, WGS 84): a FeatureCollection, a Feature or a geometry" };
        var kind = new Option<ZoneKind>("--kind") { Description = "governorate, crossing, area or line", Required = true };
        var source = new Option<string>("--source") { Description = "Where the geometry comes from (shown with it)", Required = true };
        var codeProperty = new Option<string?>("--code-property") { Description = "The feature property holding each zone's code (default: the feature id, or 'code')" };
        var nameProperty = new Option<string?>("--name-property") { Description = "The feature property holding each zone's name (default 'name')" };
        var validFrom = new Option<DateOnly?>("--valid-from") { Description = "First day in force; a version of the same code in force before is closed the day before" };
        var validTo = new Option<DateOnly?>("--valid-to") { Description = "Last day in force (default: still in force)" };
        var approximation = new Option<string?>("--approximation") { Description = "Say what this geometry approximates and how, when it is not authoritative" };
        var approximationProperty = new Option<string?>("--approximation-property") { Description = "A feature property with each geometry's own precision note (before --approximation)" };
        var aliasesProperty = new Option<string?>("--aliases-property") { Description = "A feature property with other names the zone goes by, separated by ';' (e.g. alt_names)" };
        var left = new Option<string?>("--left-side") { Description = "For a line: the name of the side to the left of its drawing direction (e.g. east)" };
        var right = new Option<string?>("--right-side") { Description = "For a line: the name of the side to its right (e.g. west)" };
        var classification = new Option<Classification>("--classification") { Description = "public, restricted or confidential", DefaultValueFactory = _ => Classification.Public };
        var cmd = new Command("import", "Import zones or lines from GeoJSON; a file with any error imports nothing")
        {
            file, kind, source, codeProperty, nameProperty, validFrom, validTo, approximation, approximationProperty, aliasesProperty, left, right, classification,
        };
        cmd.SetAction(async (r, ct) =>
        {
            var target = Target(r);
            var f = r.GetValue(file)!;
            if (!f.Exists)
            {
                return Fail($"{f.FullName} does not exist.");
            }
            if (!await EnsureMigratedAsync(target, ct))
            {
                return 1;
            }
            await using var stream = f.OpenRead();
            var text = await TextInput.ReadUtf8Async(stream, GeoJson.MaxBytes, f.Name, ct);
            var features = text.Succeeded ? GeoJson.Read(text.Value!) : text.Failure!;
            if (!features.Succeeded)
            {
                return FailWith(features.Failure!);
            }
            await using var db = OpenAsSystem(target);
            var outcome = await ImportZones.RunAsync(db, features.Value!, new ImportZones.Options(
                r.GetValue(kind), r.GetValue(source)!, r.GetValue(codeProperty), r.GetValue(nameProperty), r.GetValue(validFrom), r.GetValue(validTo),
                r.GetValue(approximation), r.GetValue(left), r.GetValue(right), r.GetValue(classification), r.GetValue(approximationProperty), r.GetValue(aliasesProperty)), TimeProvider.System, ct);
            if (!outcome.Succeeded)
            {
                return FailWith(outcome.Failure!);
            }
            var result = outcome.Value!;
            Console.WriteLine($"Imported {result.Imported.Count} {r.GetValue(kind).ToString().ToLowerInvariant()}(s): {string.Join(", ", result.Imported.Select(z => z.Code))}.");
            foreach (var closed in result.Closed)
            {
                Console.WriteLine($"Closed the earlier version of {closed}.");
            }
            if (result.Repaired.Count > 0)
            {
                Console.WriteLine($"Repaired invalid outlines (self-intersections) of: {string.Join(", ", result.Repaired)}.");
            }
            return 0;
        });
        return cmd;
    }

    private static Command ZonesAlias()
    {
        var code = new Argument<string>("CODE") { Description = "The zone's code (as 'zones list' shows it)" };
        var alias = new Argument<string>("ALIAS") { Description = "Another name it goes by, as a data source spells it (e.g. \"Rafah Crossing\")" };
        var cmd = new Command("alias", "Give a zone another name, so imports that spell it so find it") { code, alias };
        cmd.SetAction(async (r, ct) =>
        {
            var target = Target(r);
            if (!await EnsureMigratedAsync(target, ct))
            {
                return 1;
            }
            await using var db = OpenAsSystem(target);
            var outcome = await AddZoneAlias.RunAsync(db, r.GetValue(code), r.GetValue(alias), ct);
            if (!outcome.Succeeded)
            {
                return FailWith(outcome.Failure!);
            }
            Console.WriteLine($"{r.GetValue(code)} also goes by: {outcome.Value![0].Aliases}.");
            return 0;
        });
        return cmd;
    }

    private static Command ZonesList()
    {
        var on = new Option<DateOnly?>("--on") { Description = "Only the zones in force on this day" };
        var cmd = new Command("list", "List zones and lines with their validity and source") { on };
        cmd.SetAction(async (r, ct) =>
        {
            var target = Target(r);
            if (!await EnsureMigratedAsync(target, ct))
            {
                return 1;
            }
            await using var db = OpenAsSystem(target);
            var day = r.GetValue(on);
            var zones = (await db.Zones.AsNoTracking().OrderBy(z => z.Kind).ThenBy(z => z.Code).ThenBy(z => z.ValidFrom).ToListAsync(ct))
                .Where(z => day is null || z.InForceOn(day.Value)).ToList();
            var table = new Table().AddColumns("kind", "code", "name", "also", "in force", "source");
            foreach (var z in zones)
            {
                table.AddRow(z.Kind.ToString().ToLowerInvariant(), Markup.Escape(z.Code), Markup.Escape(z.Name), Markup.Escape(z.Aliases ?? ""),
                    $"{z.ValidFrom?.ToString("yyyy-MM-dd") ?? "…"} → {z.ValidTo?.ToString("yyyy-MM-dd") ?? "…"}",
                    Markup.Escape(z.Approximation is null ? z.Source : $"{z.Source} (approximation)"));
            }
            AnsiConsole.Write(table);
            return 0;
        });
        return cmd;
    }
}
