using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Data;
using Truceline.Geo;
using Truceline.Plans.Files;
using Truceline.Web.Access;

namespace Truceline.Web.Demo;

/// <summary>
/// The demonstration data 'serve --demo' loads once: one simulated organisation and user per role, and the
/// Comprehensive Plan for Gaza from data/plans (whose deadlines, durations and figures are marked simulated).
/// </summary>
public static class DemoData
{
    public const string LoadedKey = "demo.loaded";
    public const string PasswordKey = "demo.password";
    public const string PlanFileName = "gaza-comprehensive-plan.json";

    public sealed record DemoUser(string Email, string Role, string Organisation);

    private static readonly (Role Role, string Organisation, bool Participating, string? Party)[] Accounts =
    [
        (Role.Administrator, "Civil-Military Coordination Center (simulated)", true, null),
        (Role.Coordinator, "Civil-Military Coordination Center (simulated)", true, null),
        (Role.Monitor, "Field Monitoring Unit (simulated)", true, null),
        (Role.Verifier, "Independent Verification Mission (simulated)", true, null),
        (Role.PartyLiaison, "Liaison office: Israel (simulated)", true, "israel"),
        (Role.Agency, "Humanitarian agency (simulated)", true, null),
        (Role.Donor, "Donor group (simulated)", false, null),
        (Role.Analyst, "Research institute (simulated)", false, null),
        (Role.GrievanceOfficer, "Humanitarian agency (simulated)", true, null),
        (Role.SafeguardingOfficer, "Humanitarian agency (simulated)", true, null),
        (Role.GrievanceSupervisor, "Humanitarian agency (simulated)", true, null),
    ];

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> NotLoadedAt = new();
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Loaded = new();

    /// <summary>Whether the demo is in this database. Every page asks (for the banner), so the answer is remembered:
    /// for good once it is yes (the demo is never unloaded), for ten seconds while it is no.</summary>
    public static bool IsLoaded(TrucelineDb db)
    {
        var key = db.Target ?? "";
        if (Loaded.ContainsKey(key))
        {
            return true;
        }
        if (NotLoadedAt.TryGetValue(key, out var at) && Environment.TickCount64 - at < 10_000)
        {
            return false;
        }
        if (db.Settings.Any(s => s.Key == LoadedKey))
        {
            Loaded[key] = true;
            return true;
        }
        NotLoadedAt[key] = Environment.TickCount64;
        return false;
    }

    /// <summary>Loads the demo once; afterwards returns the same password, so every start can print it.</summary>
    public static async Task<(string Password, IReadOnlyList<DemoUser> Users)> EnsureLoadedAsync(TrucelineDb db, string planFile, TimeProvider time, CancellationToken ct = default)
    {
        var password = await db.Settings.Where(s => s.Key == PasswordKey).Select(s => s.Value).FirstOrDefaultAsync(ct);
        if (password is null)
        {
            password = "demo-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            await using var tx = await Truceline.Data.Writes.BeginAsync(db, ct);
            var now = time.GetUtcNow().UtcDateTime;
            foreach (var group in Accounts.GroupBy(a => a.Organisation))
            {
                var first = group.First();
                var org = new Organisation { Name = first.Organisation, Participating = first.Participating, PartyCode = first.Party, Simulated = true, CreatedAt = now };
                db.Organisations.Add(org);
                await db.SaveChangesAsync(ct);
                foreach (var account in group)
                {
                    var added = await Truceline.Web.Access.Accounts.AddUserAsync(db, new Truceline.Web.Access.Accounts.NewUser(
                        $"{account.Role.Slug()}@demo.example", $"Demo {account.Role.Slug()}", account.Role.Slug(), org.Name, password), time, ct);
                    if (!added.Succeeded)
                    {
                        throw new InvalidOperationException($"The demo user could not be created: {added.Failure!.Detail}");
                    }
                }
            }
            if (!await db.Agreements.AnyAsync(a => a.Code == "gaza-cp", ct))
            {
                var parsed = ImportPlan.Parse(await File.ReadAllTextAsync(planFile, ct));
                var imported = parsed.Succeeded ? await ImportPlan.RunAsync(db, parsed.Value!, mayVerify: true, time, ct) : parsed.Failure!;
                if (!imported.Succeeded)
                {
                    throw new InvalidOperationException($"The demo plan {planFile} could not be imported: {imported.Failure!.Detail}");
                }
            }
            await LoadZonesAsync(db, time, ct);
            await DemoAid.LoadAsync(db, Accounts.First(a => a.Role == Role.Agency).Organisation, time, ct);
            // What the demo holds in public goes into the transparency log, as it would had it been recorded live.
            await Truceline.Transparency.Publications.ExistingAsync(db, now, ct);
            await PublishDemoReportAsync(db, now, ct);
            db.Settings.Add(new Setting { Key = PasswordKey, Value = password });
            db.Settings.Add(new Setting { Key = LoadedKey, Value = now.ToString("O") });
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        return (password, Accounts.Select(a => new DemoUser($"{a.Role.Slug()}@demo.example", a.Role.Slug(), a.Organisation)).ToList());
    }

    /// <summary>A weekly situation report, published, citing the first entries of the demo's log: so the portal's reports
    /// page shows what one looks like. Marked simulated in its words as well as by its agreement.</summary>
    private static async Task PublishDemoReportAsync(TrucelineDb db, DateTime now, CancellationToken ct)
    {
        var agreement = await db.Agreements.IgnoreQueryFilters().FirstAsync(a => a.Code == "gaza-cp", ct);
        var cited = await db.LogEntries.AsNoTracking().OrderBy(e => e.Index).Select(e => e.Index).Take(3).ToListAsync(ct);
        var today = DateOnly.FromDateTime(now);
        var report = new Truceline.SituationReports.SituationReport
        {
            AgreementId = agreement.Id,
            Title = "Weekly situation report (SIMULATED)",
            PeriodFrom = today.AddDays(-7),
            PeriodTo = today.AddDays(-1),
            Language = "en",
            Text = "SIMULATED DATA: this report is invented for the demonstration and must not be cited.\n\n"
                + "The coordination centre recorded the status changes and observations cited below; each can be checked against the signed transparency log.",
            Citations = cited.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToList(),
            State = Truceline.SituationReports.SituationReportState.Published,
            Version = 1,
            PublishedAt = now,
            Classification = Classification.Public,
            CreatedBy = "demo",
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.SituationReports.Add(report);
        await db.SaveChangesAsync(ct);
        await Truceline.Transparency.Publications.SituationReportAsync(db, report.Id, now, ct);
    }

    public sealed record DemoLayer(string File, ZoneKind Kind, string? CodeProperty, string? NameProperty, string Source,
        string? Approximation = null, DateOnly? ValidFrom = null, string? LeftSide = null, string? RightSide = null, string? ApproximationProperty = null,
        string? AliasesProperty = null);

    /// <summary>The public layers in ../shared/data (read in place, never copied into the repository; credited in the README).</summary>
    public static readonly DemoLayer[] Layers =
    [
        new("boundaries/ocha-codab-pse-adm2-gaza-governorates-20231019.geojson", ZoneKind.Governorate, "ADM2_PCODE", "ADM2_EN",
            "OCHA COD-AB, State of Palestine administrative boundaries (Palestinian Ministry of Planning via OCHA oPt), 2023-10-19"),
        new("crossings/gaza-crossings.geojson", ZoneKind.Crossing, "name", "name",
            "Crossing coordinates from Wikipedia infoboxes; Zikim and Kissufim from mushon/nibal place points",
            ApproximationProperty: "precision", AliasesProperty: "alt_names"),
        new("yellow-line-and-zones/idf-held-area-behind-yellow-line-2025-10-19.geojson", ZoneKind.Area, null, null,
            "Area behind the yellow line, digitised by gazamaps.com from the IDF map of 19 Oct 2025 (via B'Tselem / mushon/nibal)",
            "A digitised copy of a published map, not an official boundary file", new DateOnly(2025, 10, 19)),
        new("yellow-line-and-zones/al-mawasi-humanitarian-area.geojson", ZoneKind.Area, null, null,
            "al-Mawasi \"humanitarian area\" (mushon/nibal)", "A drawn outline, not an official boundary file"),
        new("yellow-line-and-zones/yellow-line-approx-derived-2025-10-19.geojson", ZoneKind.Line, null, null,
            "Derived from the gazamaps.com held-area polygon and the OCHA Gaza outline",
            "Approximate yellow line: the held area's inner edge, not an official line", new DateOnly(2025, 10, 19), "east (held area)", "west"),
    ];

    /// <summary>../shared/data beside the checkout, if it is there.</summary>
    public static string? FindSharedData()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "data");
                if (File.Exists(Path.Combine(candidate, Layers[0].File)))
                {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static async Task LoadZonesAsync(TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        if (FindSharedData() is not { } data || await db.Zones.AnyAsync(ct))
        {
            return;
        }
        foreach (var (layer, i) in Layers.Select((l, i) => (l, i)))
        {
            var features = GeoJson.Read(await File.ReadAllTextAsync(Path.Combine(data, layer.File), ct));
            if (!features.Succeeded)
            {
                throw new InvalidOperationException($"{layer.File}: {features.Failure!.Detail}");
            }
            // Layers without a code property get the layer's own code ("area-2" …).
            var named = layer.CodeProperty is null
                ? features.Value!.Select((f, n) => f with { Id = features.Value!.Count == 1 ? Path.GetFileNameWithoutExtension(layer.File) : $"{Path.GetFileNameWithoutExtension(layer.File)}-{n + 1}" }).ToList()
                : features.Value!;
            var imported = await ImportZones.RunAsync(db, named, new ImportZones.Options(layer.Kind, layer.Source, layer.CodeProperty, layer.NameProperty,
                layer.ValidFrom, null, layer.Approximation, layer.LeftSide, layer.RightSide, ApproximationProperty: layer.ApproximationProperty, AliasesProperty: layer.AliasesProperty), time, ct);
            if (!imported.Succeeded)
            {
                throw new InvalidOperationException($"{layer.File}: {imported.Failure!.Detail}");
            }
        }
        // How UNRWA's truck data names two of the crossings (its "Western Erez" is the Zikim route, as the crossings file
        // notes); "Gate 96" and "JLOTS" (the maritime pier) are no crossing in the file, and stay as UNRWA names them.
        foreach (var (code, alias) in CrossingAliases)
        {
            var added = await AddZoneAlias.RunAsync(db, code, alias, ct);
            if (!added.Succeeded)
            {
                throw new InvalidOperationException($"alias {alias}: {added.Failure!.Detail}");
            }
        }
    }

    public static readonly (string Code, string Alias)[] CrossingAliases = [("Rafah", "Rafah Crossing"), ("Zikim", "Western Erez")];

    /// <summary>The plan file shipped in data/plans, found from the app's folder or the working directory.</summary>
    public static string FindPlanFile()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "data", "plans", PlanFileName);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        throw new FileNotFoundException($"data/plans/{PlanFileName} was not found next to the application or the working directory.");
    }
}
