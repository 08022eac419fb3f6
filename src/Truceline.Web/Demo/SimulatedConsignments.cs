using System.Globalization;
using Truceline.Aid;

namespace Truceline.Web.Demo;

/// <summary>
/// Simulated consignments in Truceline's own import layout, for the demo (four weeks) and the benchmark (a year and
/// more). Most reach their destination; some are denied, returned or intercepted with a reason; a step happens only
/// once its time has come, so the most recent stop short, as real ones do. Every reference starts with the prefix given.
/// </summary>
public static class SimulatedConsignments
{
    private static readonly (string Crossing, double Share)[] Crossings = [("Kerem Shalom", 0.6), ("Zikim", 0.2), ("Kissufim", 0.1), ("Rafah", 0.1)];
    private static readonly string[] Categories = ["food", "food", "food", "water", "medical", "shelter", "fuel", "hygiene"];

    public static readonly string[] Governorates = ["PS0255", "PS0260", "PS0265", "PS0270", "PS0275"];

    public static readonly string[] Columns = ["reference", "organisation", "crossing", "destination_governorate", "category", "description", "quantity", "unit",
        "pallets", "tonnes", "trucks", .. Enum.GetValues<ConsignmentStage>().Select(s => s.CsvColumn()), "reason"];

    /// <summary>Writes the header and <paramref name="perDay"/> rows for each day from first to last; answers the number of rows.</summary>
    public static int Write(TextWriter csv, DateOnly first, DateOnly last, int perDay, DateTime now, Random random, string prefix)
    {
        csv.Write(string.Join(",", Columns));
        csv.Write('\n');
        var stages = Enum.GetValues<ConsignmentStage>();
        var n = 0;
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            for (var i = 0; i < perDay; i++)
            {
                var at = day.ToDateTime(new TimeOnly(5, 0), DateTimeKind.Utc).AddMinutes(random.Next(0, 600));
                if (at > now)
                {
                    continue; // today's consignments not yet requested (the demo loaded early in the day): none in the future
                }
                var reached = new Dictionary<ConsignmentStage, DateTime> { [ConsignmentStage.Requested] = at };
                string? reason = null;
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
                var crossing = PickCrossing(random);
                var category = Categories[random.Next(Categories.Length)];
                var trucks = random.Next(1, 25);
                var tonnes = trucks * (15 + random.Next(0, 10));
                csv.Write(string.Create(CultureInfo.InvariantCulture,
                    $"{prefix}-{day:yyyyMMdd}-{i:0000},Humanitarian agency (simulated),{crossing},{Governorates[random.Next(Governorates.Length)]},{category},{category} (simulated),{tonnes * 40},units,{trucks * 26},{tonnes},{trucks},"));
                for (var s = 0; s < stages.Length; s++)
                {
                    if (s > 0)
                    {
                        csv.Write(',');
                    }
                    if (reached.TryGetValue(stages[s], out var t))
                    {
                        csv.Write(t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                    }
                }
                csv.Write(',');
                csv.Write(reason is null ? "" : $"\"{reason}\"");
                csv.Write('\n');
                n++;
            }
        }
        return n;
    }

    public static string PickCrossing(Random random)
    {
        var x = random.NextDouble();
        foreach (var (crossing, share) in Crossings)
        {
            if ((x -= share) < 0)
            {
                return crossing;
            }
        }
        return Crossings[^1].Crossing;
    }
}
