using Microsoft.EntityFrameworkCore;
using Truceline.Data;

namespace Truceline.Aid;

/// <summary>Figures Truceline computes from its own records that a plan metric can follow (<see cref="Plans.Metric.Feed"/>).</summary>
public static class AidFeeds
{
    /// <summary>Set (in the settings table) once simulated aid records exist: every figure then says so.</summary>
    public const string SimulatedKey = "aid.simulated";

    public const string TrucksEnteredPerDay = "aid.trucks-entered-per-day";
}

/// <summary>
/// The humanitarian access figures, all read from the rollups (public aggregates) and the distributions. Every figure is
/// over a period of days, inclusive. "Entered" means offloaded on the Gaza side of a crossing (see <see cref="Stages.HasEntered"/>).
/// </summary>
public static class AidFigures
{
    public sealed record Period(DateOnly From, DateOnly To)
    {
        public int Days => To.DayNumber - From.DayNumber + 1;
    }

    public sealed record EnteredRow(DateOnly Day, string Crossing, CommodityCategory Category, long Consignments, double Trucks, double Tonnes);

    public sealed record Target(string Metric, string Provision, double? Value, string Unit);

    public sealed record FunnelStep(ConsignmentStage Stage, long Consignments, double Trucks, IReadOnlyDictionary<ConsignmentStage, long> LostAfter);

    public sealed record StageTime(ConsignmentStage Stage, long Consignments, double? MedianHours, double? P90Hours);

    public sealed record GovernorateShare(string Governorate, string Name, double Tonnes, long PeopleReached, long? Population, long? PeopleInNeed,
        double? KgPerHead, double? KgPerPersonInNeed, double? PeopleReachedPerPersonInNeed, string? FiguresSource, bool FiguresSimulated);

    public sealed record Distributions(IReadOnlyList<GovernorateShare> Governorates, double? EquityIndex);

    public sealed record ImpedimentCount(ImpedimentKind Kind, ImpedimentReason Reason, long Count);

    public static async Task<IReadOnlyList<EnteredRow>> EnteredAsync(TrucelineDb db, Period p, CancellationToken ct) =>
        (await db.AidDaily.AsNoTracking()
            .Where(d => d.Day >= p.From && d.Day <= p.To && d.Stage == ConsignmentStage.Offloaded)
            .GroupBy(d => new { d.Day, d.Crossing, d.Category })
            .Select(g => new { g.Key.Day, g.Key.Crossing, g.Key.Category, N = g.Sum(x => x.Consignments), Trucks = g.Sum(x => x.Trucks), Tonnes = g.Sum(x => x.Tonnes) })
            .ToListAsync(ct))
        .Select(x => new EnteredRow(x.Day, x.Crossing, x.Category, x.N, x.Trucks, x.Tonnes))
        .OrderBy(x => x.Day).ThenBy(x => x.Crossing, StringComparer.Ordinal).ThenBy(x => x.Category).ToList();

    /// <summary>Trucks entered per calendar month: the figure UNRWA and OCHA publish.</summary>
    public static IReadOnlyList<(int Year, int Month, double Trucks)> Monthly(IEnumerable<EnteredRow> rows) =>
        rows.GroupBy(r => (r.Day.Year, r.Day.Month)).OrderBy(g => g.Key).Select(g => (g.Key.Year, g.Key.Month, g.Sum(r => r.Trucks))).ToList();

    /// <summary>The plan metric that follows a feed, read as the public may see it.</summary>
    public static async Task<Target?> TargetAsync(TrucelineDb db, string feed, CancellationToken ct) =>
        await db.Metrics.AsNoTracking().Where(m => m.Feed == feed)
            .Join(db.Provisions, m => m.ProvisionId, p => p.Id, (m, p) => new Target(p.Code + "/" + m.Code, p.Code, m.Target, m.Unit))
            .FirstOrDefaultAsync(ct);

    /// <summary>How many consignments reached each step of the path in the period, and how many were lost after each.</summary>
    public static async Task<IReadOnlyList<FunnelStep>> FunnelAsync(TrucelineDb db, Period p, CancellationToken ct)
    {
        var rows = await db.AidDailySteps.AsNoTracking().Where(d => d.Day >= p.From && d.Day <= p.To)
            .GroupBy(d => new { d.Stage, d.FromStage })
            .Select(g => new { g.Key.Stage, g.Key.FromStage, N = g.Sum(x => x.Consignments), Trucks = g.Sum(x => x.Trucks) })
            .ToListAsync(ct);
        return Stages.Path.Select(stage =>
        {
            var reached = rows.Where(r => r.Stage == stage).ToList();
            var lost = rows.Where(r => r.FromStage == stage.ToString() && !Stages.Path.Contains(r.Stage))
                .GroupBy(r => r.Stage).ToDictionary(g => g.Key, g => g.Sum(r => r.N));
            return new FunnelStep(stage, reached.Sum(r => r.N), reached.Sum(r => r.Trucks), lost);
        }).ToList();
    }

    public static async Task<IReadOnlyList<StageTime>> StageTimesAsync(TrucelineDb db, Period p, CancellationToken ct)
    {
        // Whole months from the monthly histograms, the days before the first and after the last from the daily ones.
        var firstMonth = p.From.Day == 1 ? p.From : AidRollup.MonthOf(p.From).AddMonths(1);
        var afterLastMonth = AidRollup.MonthOf(p.To.AddDays(1));
        var rows = new List<(ConsignmentStage Stage, int Bucket, long N)>();
        if (firstMonth < afterLastMonth)
        {
            var lastMonth = afterLastMonth.AddMonths(-1);
            rows.AddRange((await db.AidMonthlyStageTimes.AsNoTracking().Where(t => t.Month >= firstMonth && t.Month <= lastMonth)
                .GroupBy(t => new { t.Stage, t.Bucket }).Select(g => new { g.Key.Stage, g.Key.Bucket, N = g.Sum(x => x.Consignments) })
                .ToListAsync(ct)).Select(r => (r.Stage, r.Bucket, r.N)));
        }
        else
        {
            (firstMonth, afterLastMonth) = (p.To.AddDays(1), p.To.AddDays(1));
        }
        var before = firstMonth.AddDays(-1);
        rows.AddRange((await db.AidStageTimes.AsNoTracking().Where(t => (t.Day >= p.From && t.Day <= before) || (t.Day >= afterLastMonth && t.Day <= p.To))
            .GroupBy(t => new { t.Stage, t.Bucket }).Select(g => new { g.Key.Stage, g.Key.Bucket, N = g.Sum(x => x.Consignments) })
            .ToListAsync(ct)).Select(r => (r.Stage, r.Bucket, r.N)));
        return Stages.Path.Where(s => s != ConsignmentStage.ReachedDestination).Select(stage =>
        {
            var histogram = rows.Where(r => r.Stage == stage).GroupBy(r => r.Bucket).OrderBy(g => g.Key).Select(g => (Bucket: g.Key, N: g.Sum(r => r.N))).ToList();
            return new StageTime(stage, histogram.Sum(h => h.N), Percentile(histogram, 0.5), Percentile(histogram, 0.9));
        }).ToList();
    }

    /// <summary>The duration below which a share of the consignments fall, read from 5%-wide buckets (so within about 2.5%).</summary>
    internal static double? Percentile(IReadOnlyList<(int Bucket, long N)> histogram, double q)
    {
        var total = histogram.Sum(h => h.N);
        if (total == 0)
        {
            return null;
        }
        var rank = (long)Math.Ceiling(q * total);
        long seen = 0;
        foreach (var (bucket, n) in histogram)
        {
            seen += n;
            if (seen >= rank)
            {
                return Math.Round(AidRollup.BucketSeconds(bucket) / 3600, 2);
            }
        }
        throw new System.Diagnostics.UnreachableException("The rank is at most the histogram's total.");
    }

    /// <summary>
    /// Distributions per governorate against its population and people in need (the latest figures on or before the
    /// period's end). Aggregates of every organisation's distributions: public by design, whoever asks.
    /// </summary>
    public static async Task<Distributions> DistributionsAsync(TrucelineDb db, Period p, CancellationToken ct)
    {
        var delivered = await db.Distributions.IgnoreQueryFilters().AsNoTracking().Where(d => d.Day >= p.From && d.Day <= p.To)
            .GroupBy(d => d.Governorate)
            .Select(g => new { Governorate = g.Key, Tonnes = g.Sum(x => x.Tonnes ?? 0), People = g.Sum(x => (long)x.PeopleReached) })
            .ToListAsync(ct);
        var governorates = await db.Zones.AsNoTracking().Where(z => z.Kind == Geo.ZoneKind.Governorate).Select(z => new { z.Code, z.Name, z.ValidFrom, z.ValidTo }).ToListAsync(ct);
        var figures = (await db.GovernorateFigures.AsNoTracking().Where(f => f.AsOf <= p.To).ToListAsync(ct))
            .GroupBy(f => f.Governorate).ToDictionary(g => g.Key, g => g.OrderByDescending(f => f.AsOf).First(), StringComparer.Ordinal);
        var shares = governorates.Where(z => (z.ValidFrom is null || z.ValidFrom <= p.To) && (z.ValidTo is null || z.ValidTo >= p.From))
            .GroupBy(z => z.Code).Select(g => g.First())
            .Select(z =>
            {
                var d = delivered.FirstOrDefault(x => x.Governorate == z.Code);
                var f = figures.GetValueOrDefault(z.Code);
                var tonnes = d?.Tonnes ?? 0;
                var people = d?.People ?? 0;
                return new GovernorateShare(z.Code, z.Name, tonnes, people, f?.Population, f?.PeopleInNeed,
                    f is { Population: > 0 } ? tonnes * 1000 / f.Population : null,
                    f is { PeopleInNeed: > 0 } ? tonnes * 1000 / f.PeopleInNeed : null,
                    f is { PeopleInNeed: > 0 } ? (double)people / f.PeopleInNeed : null,
                    f?.Source, f?.Simulated ?? false);
            })
            .OrderBy(s => s.Governorate, StringComparer.Ordinal).ToList();
        return new Distributions(shares, EquityIndex(shares.Select(s => (s.Tonnes, s.PeopleInNeed)).ToList()));
    }

    /// <summary>
    /// 1 − ½ Σ |share of tonnes − share of people in need| over the governorates (one minus the Hoover index): 1 when every
    /// governorate receives exactly its share of the need, 0 when everything goes where no one is in need. Null when
    /// nothing was delivered or a governorate's need is unknown.
    /// </summary>
    public static double? EquityIndex(IReadOnlyList<(double Delivered, long? InNeed)> governorates)
    {
        var delivered = governorates.Sum(g => g.Delivered);
        if (delivered <= 0 || governorates.Any(g => g.InNeed is null) || governorates.Sum(g => g.InNeed!.Value) <= 0)
        {
            return null;
        }
        var need = (double)governorates.Sum(g => g.InNeed!.Value);
        var gap = governorates.Sum(g => Math.Abs(g.Delivered / delivered - g.InNeed!.Value / need));
        return Math.Round(1 - gap / 2, 4);
    }

    public static async Task<IReadOnlyList<ImpedimentCount>> ImpedimentsAsync(TrucelineDb db, Period p, CancellationToken ct) =>
        (await db.Impediments.IgnoreQueryFilters().AsNoTracking().Where(i => i.Day >= p.From && i.Day <= p.To)
            .GroupBy(i => new { i.Kind, i.Reason }).Select(g => new { g.Key.Kind, g.Key.Reason, N = g.LongCount() }).ToListAsync(ct))
        .Select(x => new ImpedimentCount(x.Kind, x.Reason, x.N)).OrderBy(x => x.Kind).ThenBy(x => x.Reason).ToList();
}
