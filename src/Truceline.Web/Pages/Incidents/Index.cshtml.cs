using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Truceline.Data;
using Truceline.Incidents;
using Truceline.Web.Access;
using Truceline.Web.Incidents;

namespace Truceline.Web.Pages.Incidents;

public sealed class IndexModel(TrucelineDb db) : PageModel
{
    public IncidentFilter Filter { get; private set; } = new(null, null, null, null, null, null);

    public IncidentPage? Results { get; private set; }

    public string Query => IncidentPageQuery.Of(Filter);

    public bool CanReport => User.Can(Permission.SubmitReports);

    public async Task<IActionResult> OnGetAsync(DateOnly? from, DateOnly? to, string? eventType, IncidentState? state, string? governorate, string? party, string? cursor, CancellationToken ct)
    {
        Filter = new IncidentFilter(from, to, eventType, state, governorate, party);
        var result = await IncidentsApi.ListIncidents(cursor, 50, state, governorate, eventType, from, to, party, db, ct);
        if (result.Result is not Microsoft.AspNetCore.Http.HttpResults.Ok<IncidentPage> ok)
        {
            return BadRequest();
        }
        Results = ok.Value;
        return Page();
    }
}

public static class IncidentPageQuery
{
    /// <summary>The filter as a query string, so the list, map and counts link to one another with the same selection.</summary>
    public static string Of(IncidentFilter f) => string.Join("&", new (string Key, string? Value)[]
    {
        ("from", f.From?.ToString("yyyy-MM-dd")), ("to", f.To?.ToString("yyyy-MM-dd")), ("eventType", f.EventType),
        ("state", f.State?.ToString()), ("governorate", f.Governorate), ("party", f.Party),
    }.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}"));
}
