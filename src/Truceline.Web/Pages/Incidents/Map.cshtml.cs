using System.Text.Json;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Truceline.Data;
using Truceline.Incidents;
using Truceline.Web.Geo;
using Truceline.Web.Incidents;

namespace Truceline.Web.Pages.Incidents;

public sealed class MapModel(TrucelineDb db, TimeProvider time) : PageModel
{
    private const int MaxMarkers = 5000;

    public IncidentFilter Filter { get; private set; } = new(null, null, null, null, null, null);

    public IReadOnlyList<IncidentSummary> Incidents { get; private set; } = [];

    public string DataJson { get; private set; } = "{}";

    public string Query => IncidentPageQuery.Of(Filter);

    public async Task OnGetAsync(DateOnly? from, DateOnly? to, string? eventType, IncidentState? state, string? governorate, string? party, CancellationToken ct)
    {
        Filter = new IncidentFilter(from, to, eventType, state, governorate, party);
        var day = to ?? DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        Incidents = (await Filter.Apply(db.Incidents.AsNoTracking()).OrderByDescending(i => i.OccurredOn).ThenByDescending(i => i.Id).Take(MaxMarkers).ToListAsync(ct)).Select(IncidentsApi.Summary).ToList();
        var zones = (await db.Zones.AsNoTracking().ToListAsync(ct)).Where(z => z.InForceOn(day));
        // The map's data travels in the page (the API takes bearer tokens, the pages a sign-in cookie); System.Text.Json escapes '<'.
        DataJson = JsonSerializer.Serialize(new
        {
            zones = JsonDocument.Parse(ZonesApi.FeatureCollection(zones)).RootElement,
            incidents = Incidents.Select(i => new { id = i.Id, lat = i.Latitude, lon = i.Longitude, state = i.State, type = i.EventType, day = i.OccurredOn, confidence = i.Confidence }),
        });
    }
}
