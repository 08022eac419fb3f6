using Microsoft.AspNetCore.Mvc.RazorPages;
using Truceline.Data;
using Truceline.Web.Aid;

namespace Truceline.Web.Pages.Aid;

public sealed class ConsignmentsModel(TrucelineDb db) : PageModel
{
    public ConsignmentFilter Filter { get; private set; } = new(null, null, null, null, null, null);

    public ConsignmentPage Items { get; private set; } = new([], null);

    public async Task OnGetAsync(string? stage, string? crossing, string? category, DateOnly? from, DateOnly? to, string? organisation, string? reached, string? cursor,
        CancellationToken ct)
    {
        Filter = new ConsignmentFilter(Blank(stage), Blank(crossing), Blank(category), from, to, Blank(organisation), Blank(reached));
        Items = await AidQueries.ListAsync(db, Filter, Guid.TryParse(cursor, out var c) ? c : null, 100, ct);
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
