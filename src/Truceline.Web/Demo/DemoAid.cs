using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Aid;
using Truceline.Data;
using Truceline.Web.Aid;

namespace Truceline.Web.Demo;

/// <summary>Four weeks of simulated consignments, distributions, impediments and governorate figures, so the dashboard
/// has something to show. Every record is marked simulated, and so is every figure that includes them.</summary>
public static class DemoAid
{
    private static readonly (string Crossing, double Share)[] Crossings = [("Kerem Shalom", 0.6), ("Zikim", 0.2), ("Kissufim", 0.1), ("Rafah", 0.1)];
    private static readonly string[] Categories = ["food", "food", "food", "water", "medical", "shelter", "fuel", "hygiene"];
    private static readonly string[] Governorates = ["PS0255", "PS0260", "PS0265", "PS0270", "PS0275"];

    public static async Task LoadAsync(TrucelineDb db, string organisation, TimeProvider time, CancellationToken ct)
    {
        var org = await db.Organisations.FirstAsync(o => o.Name == organisation, ct);
        var system = db.Viewer;
        db.Viewer = new Viewer(null, "demo loader", null, org.Id, true, SeesAll: true);
        try
        {
            var now = time.GetUtcNow().UtcDateTime;
            var random = new Random(2025);
            var csv = new StringBuilder("reference,organisation,crossing,destination_governorate,category,description,quantity,unit,pallets,tonnes,trucks,requested_at,cleared_at,denied_at,arrived_at_crossing_at,offloaded_at,collected_at,reached_destination_at,intercepted_at,returned_at,lost_at,reason\n");
            var today = DateOnly.FromDateTime(now);
            var n = 0;
            for (var day = today.AddDays(-27); day <= today; day = day.AddDays(1))
            {
                for (var i = 0; i < 40; i++)
                {
                    var at = day.ToDateTime(new TimeOnly(5, 0), DateTimeKind.Utc).AddMinutes(random.Next(0, 600));
                    var times = new string[10];
                    string reason = "";
                    times[0] = Iso(at);
                    DateTime Step(double minHours, double maxHours) => at = at.AddHours(minHours + random.NextDouble() * (maxHours - minHours));
                    // Each step happens only if its time has come; some consignments stop short, as real ones do.
                    if (Step(2, 20) <= now)
                    {
                        if (random.NextDouble() < 0.05) { times[2] = Iso(at); reason = "Items on the dual-use list (simulated)"; }
                        else
                        {
                            times[1] = Iso(at);
                            if (Step(1, 6) <= now)
                            {
                                times[3] = Iso(at);
                                if (random.NextDouble() < 0.03 && Step(0.5, 2) <= now) { times[9] = Iso(at); reason = "Turned back at inspection (simulated)"; }
                                else if (Step(1, 4) <= now)
                                {
                                    times[4] = Iso(at);
                                    if (Step(0.5, 30) <= now)
                                    {
                                        if (random.NextDouble() < 0.04) { times[8] = Iso(at); reason = "Stopped and unloaded by crowds on the road (simulated)"; }
                                        else
                                        {
                                            times[5] = Iso(at);
                                            if (Step(2, 10) <= now) { times[6] = Iso(at); }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    var crossing = Pick(random, Crossings);
                    var category = Categories[random.Next(Categories.Length)];
                    var trucks = random.Next(1, 25);
                    var tonnes = trucks * (15 + random.Next(0, 10));
                    // Columns: requested, cleared, denied, arrived, offloaded, collected, reached, intercepted, returned, lost.
                    csv.Append(CultureInfo.InvariantCulture, $"DEMO-{day:yyyyMMdd}-{i:000},Humanitarian agency (simulated),{crossing},{Governorates[random.Next(Governorates.Length)]},{category},{category} (simulated),{tonnes * 40},units,{trucks * 26},{tonnes},{trucks},")
                        .Append(string.Join(",", new[] { times[0], times[1], times[2], times[3], times[4], times[5], times[6], times[8], times[9], null }.Select(t => t ?? "")))
                        .Append(',').Append(reason.Length > 0 ? $"\"{reason}\"" : "").Append('\n');
                    n++;
                }
            }
            await using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString()));
            var result = await ImportConsignments.RunAsync(db, stream, "demo-consignments (simulated).csv", new ImportConsignments.Options(Simulated: true), time, ct: ct);
            if (!result.Committed || result.Imported != n)
            {
                throw new InvalidOperationException("The simulated consignments could not be loaded: " + string.Join("; ", result.Errors.Take(5).Select(e => $"line {e.Row} {e.Field}: {e.Message}")));
            }
            // North Gaza and Gaza: PCBS's pre-war estimates (statement of 16 November 2023: 448,000 and 754,000); the rest and every
            // "in need" figure are invented for the demo.
            (string Code, long Population, double InNeed)[] figures =
                [("PS0255", 448_000, 0.95), ("PS0260", 754_000, 0.9), ("PS0265", 330_000, 0.85), ("PS0270", 440_000, 0.9), ("PS0275", 280_000, 0.8)];
            foreach (var (code, population, share) in figures)
            {
                db.GovernorateFigures.Add(new GovernorateFigure
                {
                    Governorate = code, Population = population, PeopleInNeed = (long)(population * share), AsOf = today.AddDays(-60),
                    Source = "Simulated for the demo (North Gaza and Gaza populations: PCBS pre-war estimates, 16 Nov 2023)", Simulated = true,
                });
            }
            for (var day = today.AddDays(-27); day <= today; day = day.AddDays(1))
            {
                foreach (var code in Governorates)
                {
                    var tonnes = random.Next(40, 400);
                    db.Distributions.Add(new Distribution
                    {
                        Day = day, Governorate = code, Category = CommodityCategory.Food, Quantity = tonnes * 40, Unit = "food parcels (simulated)", Tonnes = tonnes,
                        PeopleReached = tonnes * 180, OrganisationName = organisation, CreatedAt = now, CreatedBy = "demo loader", Simulated = true,
                        OwnerOrganisationId = org.Id, ConfidentialTo = RegisterConsignment.Confidentiality,
                    });
                }
                if (random.NextDouble() < 0.6)
                {
                    db.Impediments.Add(new Impediment
                    {
                        Day = day, Kind = (ImpedimentKind)random.Next(4), Reason = (ImpedimentReason)random.Next(7), Crossing = Pick(random, Crossings),
                        Governorate = Governorates[random.Next(Governorates.Length)], Description = "Simulated impediment for the demo", OrganisationName = organisation,
                        CreatedAt = now, CreatedBy = "demo loader", Simulated = true, OwnerOrganisationId = org.Id, ConfidentialTo = RegisterConsignment.Confidentiality,
                    });
                }
            }
            db.Settings.Add(new Setting { Key = AidQueries.SimulatedKey, Value = "true" });
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            db.Viewer = system;
        }
    }

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static string Pick(Random random, (string Crossing, double Share)[] options)
    {
        var x = random.NextDouble();
        foreach (var (crossing, share) in options)
        {
            if ((x -= share) < 0)
            {
                return crossing;
            }
        }
        return options[^1].Crossing;
    }
}
