using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Truceline.Aid;
using Truceline.Data;
using Truceline.Web.Aid;

namespace Truceline.Web.Pages.Aid;

/// <summary>The humanitarian access dashboard: aggregates only, so anyone may read it.</summary>
public sealed class IndexModel(TrucelineDb db, TimeProvider time) : PageModel
{
    public AidFiguresView Figures { get; private set; } = null!;

    public string ChartJson { get; private set; } = "{}";

    public string MapJson { get; private set; } = "{}";

    /// <summary>Each finished day's published total: the log entry that holds it.</summary>
    public IReadOnlyDictionary<DateOnly, long> LogEntries { get; private set; } = new Dictionary<DateOnly, long>();

    public async Task<IActionResult> OnGetAsync(DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var end = to ?? today;
        // Four weeks unless told otherwise; a period the figures cannot cover falls back to that too.
        var fourWeeks = DateOnly.FromDayNumber(Math.Max(0, end.DayNumber - 27));
        var start = from ?? fourWeeks;
        if (end < start || end.DayNumber - start.DayNumber > 366)
        {
            start = fourWeeks;
        }
        Figures = await AidQueries.FiguresAsync(db, new AidFigures.Period(start, end), ct);
        ChartJson = System.Text.Json.JsonSerializer.Serialize(new
        {
            labels = Figures.Daily.Select(d => d.Period),
            trucks = Figures.Daily.Select(d => d.Trucks),
            target = Figures.Target?.Value,
        });
        MapJson = await AidMap.JsonAsync(db, Figures, ct);
        LogEntries = await AidLogEntries.ForDaysAsync(db, Figures.Daily.Select(d => d.From).ToList(), ct);
        return Page();
    }
}
