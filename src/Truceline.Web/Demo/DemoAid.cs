using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Aid;
using Truceline.Data;

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
            string[] columns = ["reference", "organisation", "crossing", "destination_governorate", "category", "description", "quantity", "unit", "pallets", "tonnes", "trucks",
                .. Enum.GetValues<ConsignmentStage>().Select(s => s.CsvColumn()), "reason"];
            var csv = new StringBuilder(string.Join(",", columns)).Append('\n');
            var today = DateOnly.FromDateTime(now);
            var n = 0;
            for (var day = today.AddDays(-27); day <= today; day = day.AddDays(1))
            {
                for (var i = 0; i < 40; i++)
                {
                    var at = day.ToDateTime(new TimeOnly(5, 0), DateTimeKind.Utc).AddMinutes(random.Next(0, 600));
                    var reached = new Dictionary<ConsignmentStage, DateTime> { [ConsignmentStage.Requested] = at };
                    string? reason = null;
                    // A step happens only once its time has come, so recent consignments stop short, as real ones do.
                    bool Reach(ConsignmentStage stage, double minHours, double maxHours)
                    {
                        at = at.AddHours(minHours + random.NextDouble() * (maxHours - minHours));
                        if (at > now)
                        {
                            return false;
                        }
                        reached[stage] = at;
                        return true;
                    }
                    if (random.NextDouble() < 0.05)
                    {
                        reason = Reach(ConsignmentStage.Denied, 2, 20) ? "Items on the dual-use list (simulated)" : null;
                    }
                    else if (Reach(ConsignmentStage.Cleared, 2, 20) && Reach(ConsignmentStage.ArrivedAtCrossing, 1, 6))
                    {
                        if (random.NextDouble() < 0.03)
                        {
                            reason = Reach(ConsignmentStage.Returned, 0.5, 2) ? "Turned back at inspection (simulated)" : null;
                        }
                        else if (Reach(ConsignmentStage.Offloaded, 1, 4))
                        {
                            if (random.NextDouble() < 0.04)
                            {
                                reason = Reach(ConsignmentStage.Intercepted, 0.5, 30) ? "Stopped and unloaded by crowds on the road (simulated)" : null;
                            }
                            else if (Reach(ConsignmentStage.Collected, 0.5, 30))
                            {
                                Reach(ConsignmentStage.ReachedDestination, 2, 10);
                            }
                        }
                    }
                    var crossing = Pick(random, Crossings);
                    var category = Categories[random.Next(Categories.Length)];
                    var trucks = random.Next(1, 25);
                    var tonnes = trucks * (15 + random.Next(0, 10));
                    csv.Append(CultureInfo.InvariantCulture, $"DEMO-{day:yyyyMMdd}-{i:000},Humanitarian agency (simulated),{crossing},{Governorates[random.Next(Governorates.Length)]},{category},{category} (simulated),{tonnes * 40},units,{trucks * 26},{tonnes},{trucks},")
                        .Append(string.Join(",", Enum.GetValues<ConsignmentStage>().Select(s => reached.TryGetValue(s, out var t) ? Iso(t) : "")))
                        .Append(',').Append(reason is null ? "" : $"\"{reason}\"").Append('\n');
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
