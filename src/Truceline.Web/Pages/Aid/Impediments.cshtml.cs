using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Truceline.Aid;
using Truceline.Data;
using Truceline.Geo;
using Truceline.Web.Access;

namespace Truceline.Web.Pages.Aid;

/// <summary>Access impediments you may see, the records behind the dashboard's counts by kind and reason, and the form
/// to record one (a monitor on patrol may, as well as the agencies).</summary>
public sealed class ImpedimentsModel(TrucelineDb db, ZoneCatalog zones, TimeProvider time) : PageModel
{
    private const int Limit = 200;

    public IReadOnlyList<Impediment> Items { get; private set; } = [];

    public bool More { get; private set; }

    public IReadOnlyList<(string Code, string Name)> Governorates { get; private set; } = [];

    public IReadOnlyList<(string Code, string Name)> Crossings { get; private set; } = [];

    public ImpedimentKind? Kind { get; private set; }

    public ImpedimentReason? Reason { get; private set; }

    public DateOnly? From { get; private set; }

    public DateOnly? To { get; private set; }

    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    public async Task OnGetAsync(ImpedimentKind? kind, ImpedimentReason? reason, DateOnly? from, DateOnly? to, CancellationToken ct) =>
        await LoadAsync(kind, reason, from, to, ct);

    public async Task<IActionResult> OnPostAsync(DateOnly? day, string? kind, string? reason, string? crossing, string? governorate, double? latitude, double? longitude,
        string? description, CancellationToken ct)
    {
        if (!User.Can(Permission.RecordImpediments))
        {
            return Forbid();
        }
        var request = new RecordImpediment.Request(day, kind, reason, string.IsNullOrWhiteSpace(crossing) ? null : crossing,
            string.IsNullOrWhiteSpace(governorate) ? null : governorate, latitude, longitude, null, description);
        var result = await RecordImpediment.RunAsync(db, zones, request, time, ct);
        if (result.Succeeded)
        {
            TempData["Notice"] = "Recorded.";
            return Redirect("/aid/impediments");
        }
        this.Show(result.Failure!, "impediment");
        await LoadAsync(null, null, null, null, ct);
        return Page();
    }

    private async Task LoadAsync(ImpedimentKind? kind, ImpedimentReason? reason, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        (Kind, Reason, From, To) = (kind, reason, from, to);
        Governorates = await AidPageLookups.GovernoratesAsync(db, ct);
        Crossings = await AidPageLookups.CrossingsAsync(db, ct);
        var query = db.Impediments.AsNoTracking();
        if (kind is { } k)
        {
            query = query.Where(i => i.Kind == k);
        }
        if (reason is { } r)
        {
            query = query.Where(i => i.Reason == r);
        }
        if (from is { } f)
        {
            query = query.Where(i => i.Day >= f);
        }
        if (to is { } t)
        {
            query = query.Where(i => i.Day <= t);
        }
        var items = await query.OrderByDescending(i => i.Day).ThenByDescending(i => i.Id).Take(Limit + 1).ToListAsync(ct);
        More = items.Count > Limit;
        Items = items.Take(Limit).ToList();
    }
}
