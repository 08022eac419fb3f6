using Microsoft.AspNetCore.Mvc.RazorPages;
using Truceline.Data;
using Truceline.Incidents;
using Truceline.Web.Incidents;

namespace Truceline.Web.Pages.Incidents;

public sealed class CountsModel(TrucelineDb db, TimeProvider time) : PageModel
{
    public IncidentFilter Filter { get; private set; } = new(null, null, null, null, null, null);

    public IncidentCounts? Counts { get; private set; }

    public string Query => IncidentPageQuery.Of(Filter);

    public async Task OnGetAsync(DateOnly? from, DateOnly? to, string? eventType, IncidentState? state, string? governorate, string? party, CancellationToken ct)
    {
        Filter = new IncidentFilter(from, to, eventType, state, governorate, party);
        Counts = await IncidentQueries.CountsAsync(db, Filter, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime), ct);
    }
}
