using Microsoft.EntityFrameworkCore;
using Truceline.Data;

namespace Truceline.Aid;

/// <summary>Trucks, tonnes and consignments that reached a stage on a day, by crossing and commodity: the figures'
/// source, kept up to date in the same transaction as every stage change so a year's dashboard reads a few
/// thousand rows instead of millions of events. Aggregates carry no classification: they are public by design.</summary>
public sealed class AidDaily
{
    public DateOnly Day { get; set; }

    public required string Crossing { get; set; }

    public CommodityCategory Category { get; set; }

    public ConsignmentStage Stage { get; set; }

    /// <summary>The stage left ("" for a consignment's first stage): what tells a loss after offloading from one before.</summary>
    public required string FromStage { get; set; }

    public long Consignments { get; set; }

    public double Trucks { get; set; }

    public double Tonnes { get; set; }
}

/// <summary>How many consignments left a stage on a day after spending a duration in a bucket: enough for medians and
/// 90th percentiles without reading events (buckets are 5% wide, see <see cref="AidRollup.Bucket"/>).</summary>
public sealed class AidStageTime
{
    public DateOnly Day { get; set; }

    public ConsignmentStage Stage { get; set; }

    public int Bucket { get; set; }

    public long Consignments { get; set; }
}

/// <summary>The steps taken on a day, whatever the crossing or commodity: all the funnel reads (a year is a few
/// thousand rows, where <see cref="AidDaily"/> has a hundred thousand).</summary>
public sealed class AidDailyStep
{
    public DateOnly Day { get; set; }

    public ConsignmentStage Stage { get; set; }

    public required string FromStage { get; set; }

    public long Consignments { get; set; }

    public double Trucks { get; set; }
}

/// <summary><see cref="AidStageTime"/> summed over a calendar month (<see cref="Month"/> is its first day): a period
/// reads its whole months here and only the days at either end from the daily table.</summary>
public sealed class AidMonthlyStageTime
{
    public DateOnly Month { get; set; }

    public ConsignmentStage Stage { get; set; }

    public int Bucket { get; set; }

    public long Consignments { get; set; }
}

/// <summary>Changes to the rollups gathered in memory, written as upserts in one go.</summary>
public sealed class AidRollup
{
    private const double Growth = 1.05;

    private readonly Dictionary<(DateOnly, string, CommodityCategory, ConsignmentStage, string), (long N, double Trucks, double Tonnes)> _daily = [];
    private readonly Dictionary<(DateOnly, ConsignmentStage, int), long> _times = [];
    private readonly Dictionary<(DateOnly, ConsignmentStage, string), (long N, double Trucks)> _steps = [];
    private readonly Dictionary<(DateOnly, ConsignmentStage, int), long> _monthTimes = [];

    public bool IsEmpty => _daily.Count == 0 && _times.Count == 0;

    public static DateOnly MonthOf(DateOnly day) => new(day.Year, day.Month, 1);

    /// <summary>Bucket 0 holds anything under a minute; bucket b ≥ 1 holds [1.05^(b-1), 1.05^b) minutes.</summary>
    public static int Bucket(long seconds)
    {
        var minutes = seconds / 60.0;
        return minutes < 1 ? 0 : 1 + (int)Math.Floor(Math.Log(minutes) / Math.Log(Growth));
    }

    /// <summary>A duration representative of a bucket (its geometric middle), in seconds.</summary>
    public static double BucketSeconds(int bucket) =>
        bucket == 0 ? 30 : 60 * Math.Pow(Growth, bucket - 0.5);

    public void Add(Consignment c, ConsignmentEvent e)
    {
        var day = DateOnly.FromDateTime(e.At);
        var key = (day, c.Crossing, c.Category, e.Stage, e.FromStage?.ToString() ?? "");
        _daily.TryGetValue(key, out var v);
        _daily[key] = (v.N + 1, v.Trucks + c.Trucks, v.Tonnes + (c.Tonnes ?? 0));
        var step = (day, e.Stage, key.Item5);
        _steps.TryGetValue(step, out var sv);
        _steps[step] = (sv.N + 1, sv.Trucks + c.Trucks);
        if (e.FromStage is { } from && e.SecondsInPrevious is { } seconds)
        {
            var bucket = Bucket(seconds);
            var tk = (day, from, bucket);
            _times[tk] = _times.GetValueOrDefault(tk) + 1;
            var mk = (MonthOf(day), from, bucket);
            _monthTimes[mk] = _monthTimes.GetValueOrDefault(mk) + 1;
        }
    }

    public async Task FlushAsync(TrucelineDb db, CancellationToken ct)
    {
        // Both engines speak INSERT … ON CONFLICT … DO UPDATE; rows are few (one per day, crossing, commodity and step).
        foreach (var ((day, crossing, category, stage, from), v) in _daily)
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO aid_daily (day, crossing, category, stage, from_stage, consignments, trucks, tonnes)
                VALUES ({day}, {crossing}, {category.ToString()}, {stage.ToString()}, {from}, {v.N}, {v.Trucks}, {v.Tonnes})
                ON CONFLICT (day, crossing, category, stage, from_stage) DO UPDATE SET
                    consignments = aid_daily.consignments + excluded.consignments,
                    trucks = aid_daily.trucks + excluded.trucks,
                    tonnes = aid_daily.tonnes + excluded.tonnes
                """, ct);
        }
        foreach (var ((day, stage, bucket), n) in _times)
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO aid_stage_times (day, stage, bucket, consignments) VALUES ({day}, {stage.ToString()}, {bucket}, {n})
                ON CONFLICT (day, stage, bucket) DO UPDATE SET consignments = aid_stage_times.consignments + excluded.consignments
                """, ct);
        }
        foreach (var ((day, stage, from), v) in _steps)
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO aid_daily_steps (day, stage, from_stage, consignments, trucks) VALUES ({day}, {stage.ToString()}, {from}, {v.N}, {v.Trucks})
                ON CONFLICT (day, stage, from_stage) DO UPDATE SET
                    consignments = aid_daily_steps.consignments + excluded.consignments, trucks = aid_daily_steps.trucks + excluded.trucks
                """, ct);
        }
        foreach (var ((month, stage, bucket), n) in _monthTimes)
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO aid_monthly_stage_times (month, stage, bucket, consignments) VALUES ({month}, {stage.ToString()}, {bucket}, {n})
                ON CONFLICT (month, stage, bucket) DO UPDATE SET consignments = aid_monthly_stage_times.consignments + excluded.consignments
                """, ct);
        }
        _daily.Clear();
        _times.Clear();
        _steps.Clear();
        _monthTimes.Clear();
    }
}
