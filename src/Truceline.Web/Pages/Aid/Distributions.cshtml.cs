using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Truceline.Aid;
using Truceline.Data;
using Truceline.Web.Access;

namespace Truceline.Web.Pages.Aid;

/// <summary>Distributions you may see (your organisation's; the coordination centre's: all), the records behind the
/// dashboard's per-governorate figures, and the form to record one.</summary>
public sealed class DistributionsModel(TrucelineDb db, TimeProvider time) : PageModel
{
    private const int Limit = 200;

    public IReadOnlyList<Distribution> Items { get; private set; } = [];

    public bool More { get; private set; }

    public IReadOnlyList<(string Code, string Name)> Governorates { get; private set; } = [];

    public string? Governorate { get; private set; }

    public DateOnly? From { get; private set; }

    public DateOnly? To { get; private set; }

    public DateOnly Today => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);

    public async Task OnGetAsync(string? governorate, DateOnly? from, DateOnly? to, CancellationToken ct) => await LoadAsync(governorate, from, to, ct);

    public async Task<IActionResult> OnPostAsync(DateOnly? day, string? governorate, string? category, double? quantity, string? unit, double? tonnes,
        int? peopleReached, CancellationToken ct)
    {
        if (!User.Can(Permission.RegisterConsignments))
        {
            return Forbid();
        }
        var result = await RecordDistribution.RunAsync(db, new RecordDistribution.Request(day, governorate, category, quantity, unit, tonnes, peopleReached, null), time, ct);
        if (result.Succeeded)
        {
            TempData["Notice"] = "Recorded.";
            return Redirect($"/aid/distributions?governorate={Uri.EscapeDataString(result.Value!.Governorate)}");
        }
        this.Show(result.Failure!, "distribution");
        await LoadAsync(null, null, null, ct);
        return Page();
    }

    private async Task LoadAsync(string? governorate, DateOnly? from, DateOnly? to, CancellationToken ct)
    {
        (Governorate, From, To) = (string.IsNullOrWhiteSpace(governorate) ? null : governorate, from, to);
        Governorates = await AidPageLookups.GovernoratesAsync(db, ct);
        var query = db.Distributions.AsNoTracking();
        if (Governorate is not null)
        {
            query = query.Where(d => d.Governorate == Governorate);
        }
        if (from is { } f)
        {
            query = query.Where(d => d.Day >= f);
        }
        if (to is { } t)
        {
            query = query.Where(d => d.Day <= t);
        }
        var items = await query.OrderByDescending(d => d.Day).ThenByDescending(d => d.Id).Take(Limit + 1).ToListAsync(ct);
        More = items.Count > Limit;
        Items = items.Take(Limit).ToList();
    }
}
