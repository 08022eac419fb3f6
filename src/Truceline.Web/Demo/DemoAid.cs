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
    private static readonly string[] Governorates = SimulatedConsignments.Governorates;

    public static async Task LoadAsync(TrucelineDb db, string organisation, TimeProvider time, CancellationToken ct)
    {
        var org = await db.Organisations.FirstAsync(o => o.Name == organisation, ct);
        var system = db.Viewer;
        db.Viewer = new Viewer(null, "demo loader", null, org.Id, true, SeesAll: true);
        try
        {
            var now = time.GetUtcNow().UtcDateTime;
            var random = new Random(2025);
            var today = DateOnly.FromDateTime(now);
            var csv = new StringWriter(CultureInfo.InvariantCulture);
            var n = SimulatedConsignments.Write(csv, today.AddDays(-27), today, 40, now, random, "DEMO");
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
                        Day = day, Kind = (ImpedimentKind)random.Next(4), Reason = (ImpedimentReason)random.Next(7), Crossing = SimulatedConsignments.PickCrossing(random),
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
}
