using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Truceline.Aid;
using Truceline.Data;

namespace Truceline.Web.Aid;

/// <summary>Which consignments to list. With <see cref="Reached"/>, the dates are when they reached that stage (the records
/// behind a daily figure); without it, when they reached the stage they are in now.</summary>
public sealed record ConsignmentFilter(string? Stage, string? Crossing, string? Category, DateOnly? From, DateOnly? To, string? Organisation, string? Reached = null);

public static class AidQueries
{
    public static Task<bool> SimulatedAsync(TrucelineDb db, CancellationToken ct) => db.Settings.AnyAsync(s => s.Key == AidFeeds.SimulatedKey, ct);

    public static async Task<AidFiguresView> FiguresAsync(TrucelineDb db, AidFigures.Period p, CancellationToken ct)
    {
        var entered = await AidFigures.EnteredAsync(db, p, ct);
        var byDay = entered.ToLookup(r => r.Day);
        var daily = new List<PeriodTotal>();
        for (var d = p.From; d <= p.To; d = d.AddDays(1))
        {
            var rows = byDay[d];
            daily.Add(new PeriodTotal(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d, d, rows.Sum(r => r.Trucks), rows.Sum(r => r.Tonnes), rows.Sum(r => r.Consignments), rows.Sum(r => r.Trucks)));
        }
        // ISO weeks, cut to the period at both ends: a week's per-day figure divides by the days it has in the period.
        var weekly = daily.GroupBy(x => (ISOWeek.GetYear(x.From.ToDateTime(TimeOnly.MinValue)), ISOWeek.GetWeekOfYear(x.From.ToDateTime(TimeOnly.MinValue))))
            .Select(g => new PeriodTotal($"{g.Key.Item1}-W{g.Key.Item2:00}", g.First().From, g.Last().To, g.Sum(x => x.Trucks), g.Sum(x => x.Tonnes),
                g.Sum(x => x.Consignments), Math.Round(g.Sum(x => x.Trucks) / g.Count(), 1)))
            .ToList();
        var byCrossing = entered.GroupBy(r => r.Crossing).Select(g => new Breakdown(g.Key, g.Sum(r => r.Trucks), g.Sum(r => r.Tonnes), g.Sum(r => r.Consignments)))
            .OrderByDescending(b => b.Trucks).ToList();
        var byCategory = entered.GroupBy(r => r.Category).Select(g => new Breakdown(g.Key.Slug(), g.Sum(r => r.Trucks), g.Sum(r => r.Tonnes), g.Sum(r => r.Consignments)))
            .OrderByDescending(b => b.Trucks).ToList();
        var funnel = (await AidFigures.FunnelAsync(db, p, ct))
            .Select(f => new FunnelStepView(f.Stage.Slug(), f.Consignments, f.Trucks, f.LostAfter.ToDictionary(l => l.Key.Slug(), l => l.Value))).ToList();
        var times = (await AidFigures.StageTimesAsync(db, p, ct)).Select(t => new StageTimeView(t.Stage.Slug(), t.Consignments, t.MedianHours, t.P90Hours)).ToList();
        var impediments = (await AidFigures.ImpedimentsAsync(db, p, ct)).Select(i => new ImpedimentView(i.Kind.ToString().ToLowerInvariant(), i.Reason.ToString().ToLowerInvariant(), i.Count)).ToList();
        return new AidFiguresView(p.From, p.To, await SimulatedAsync(db, ct), await AidFigures.TargetAsync(db, AidFeeds.TrucksEnteredPerDay, ct),
            Math.Round(entered.Sum(r => r.Trucks) / p.Days, 1), daily, weekly, byCrossing, byCategory, funnel, times,
            await AidFigures.DistributionsAsync(db, p, ct), impediments, AidViews.EquityIndexDefinition);
    }

    public static async Task<ConsignmentPage> ListAsync(TrucelineDb db, ConsignmentFilter f, Guid? after, int limit, CancellationToken ct)
    {
        var query = db.Consignments.AsNoTracking().Include(c => c.Lines).AsQueryable();
        if (f.Stage is not null && Stages.TryParse(f.Stage, out var stage))
        {
            query = query.Where(c => c.Stage == stage);
        }
        if (f.Crossing is not null)
        {
            query = query.Where(c => c.Crossing == f.Crossing);
        }
        if (f.Category is not null && Stages.TryParseCategory(f.Category, out var category))
        {
            query = query.Where(c => c.Category == category);
        }
        if (f.Organisation is not null)
        {
            query = query.Where(c => c.OrganisationName == f.Organisation);
        }
        var start = f.From?.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) ?? DateTime.MinValue;
        var end = f.To?.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) ?? DateTime.MaxValue;
        if (f.Reached is not null && Stages.TryParse(f.Reached, out var reached))
        {
            query = query.Where(c => db.ConsignmentEvents.Any(e => e.ConsignmentId == c.Id && e.Stage == reached && e.At >= start && e.At < end));
        }
        else
        {
            if (f.From is not null)
            {
                query = query.Where(c => c.StageAt >= start);
            }
            if (f.To is not null)
            {
                query = query.Where(c => c.StageAt < end);
            }
        }
        if (after is { } a)
        {
            query = query.Where(c => c.Id.CompareTo(a) < 0);
        }
        var items = await query.OrderByDescending(c => c.Id).Take(limit + 1).ToListAsync(ct);
        var next = items.Count > limit ? items[limit - 1].Id.ToString() : null;
        return new ConsignmentPage(items.Take(limit).Select(AidViews.View).ToList(), next);
    }

    public static async Task<ConsignmentDetail?> DetailAsync(TrucelineDb db, Guid id, CancellationToken ct)
    {
        var c = await db.Consignments.AsNoTracking().Include(x => x.Lines).FirstOrDefaultAsync(x => x.Id == id, ct);
        if (c is null)
        {
            return null;
        }
        var history = await db.ConsignmentEvents.AsNoTracking().Where(e => e.ConsignmentId == id).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(ct);
        return new ConsignmentDetail(AidViews.View(c), history.Select(AidViews.View).ToList());
    }
}
