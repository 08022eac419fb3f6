using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Truceline.Aid;
using Truceline.Data;

namespace Truceline.Web.Pages.Aid;

/// <summary>
/// The per-day records every dashboard figure is summed from (consignments reaching a stage, by day, crossing and
/// commodity), public like the figures. A signed-in reader follows a row on to the consignments themselves.
/// </summary>
public sealed class DailyModel(TrucelineDb db, TimeProvider time) : PageModel
{
    /// <summary>A page stays readable on a slow connection; the totals still cover every row, and the download has them all.</summary>
    public const int MaxRows = 2000;

    public IReadOnlyList<AidDaily> Rows { get; private set; } = [];

    public bool More { get; private set; }

    public (long Consignments, double Trucks, double Tonnes) Total { get; private set; }

    /// <summary>Each finished day's published total: the log entry that holds it, for anyone to check.</summary>
    public IReadOnlyDictionary<DateOnly, long> LogEntries { get; private set; } = new Dictionary<DateOnly, long>();

    public DateOnly From { get; private set; }

    public DateOnly To { get; private set; }

    public string? Crossing { get; private set; }

    public CommodityCategory? Category { get; private set; }

    public ConsignmentStage? Stage { get; private set; }

    public string Query(DateOnly from, DateOnly to) =>
        $"from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}" + (Crossing is null ? "" : $"&crossing={Uri.EscapeDataString(Crossing)}")
        + (Category is { } c ? $"&category={c.Slug()}" : "") + (Stage is { } s ? $"&stage={s.Slug()}" : "");

    public async Task OnGetAsync(DateOnly? from, DateOnly? to, string? crossing, string? category, string? stage, CancellationToken ct)
    {
        To = to ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        From = from is { } f && f <= To && To.DayNumber - f.DayNumber <= 366 ? f : DateOnly.FromDayNumber(Math.Max(0, To.DayNumber - 27));
        Crossing = string.IsNullOrWhiteSpace(crossing) ? null : crossing;
        Category = Stages.TryParseCategory(category, out var c) ? c : null;
        Stage = Stages.TryParse(stage, out var s) ? s : null;
        var query = db.AidDaily.AsNoTracking().Where(d => d.Day >= From && d.Day <= To);
        if (Crossing is not null)
        {
            query = query.Where(d => d.Crossing == Crossing);
        }
        if (Category is { } category1)
        {
            query = query.Where(d => d.Category == category1);
        }
        if (Stage is { } stage1)
        {
            query = query.Where(d => d.Stage == stage1);
        }
        var totals = await query.GroupBy(_ => 1).Select(g => new { N = g.Sum(d => d.Consignments), Trucks = g.Sum(d => d.Trucks), Tonnes = g.Sum(d => d.Tonnes) })
            .FirstOrDefaultAsync(ct);
        Total = (totals?.N ?? 0, totals?.Trucks ?? 0, totals?.Tonnes ?? 0);
        var rows = await query.OrderByDescending(d => d.Day).ThenBy(d => d.Crossing).ThenBy(d => d.Category).ThenBy(d => d.Stage).ThenBy(d => d.FromStage)
            .Take(MaxRows + 1).ToListAsync(ct);
        More = rows.Count > MaxRows;
        Rows = rows.Take(MaxRows).ToList();
        LogEntries = await Truceline.Web.Aid.AidLogEntries.ForDaysAsync(db, Rows.Select(r => r.Day).Distinct().ToList(), ct);
    }
}
