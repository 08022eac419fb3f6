using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Truceline.Data;
using Truceline.Transparency;
using Truceline.Web.Geo;

namespace Truceline.Web.Pages.Public;

/// <summary>
/// The public view of ceasefire incidents: exactly what the transparency log published (concluded, public incidents,
/// places rounded to 0.01°, findings by organisation), so every row and count can be checked against its entry.
/// </summary>
public sealed class IncidentsModel(TrucelineDb db, TimeProvider time) : PageModel
{
    public sealed record Item(long Entry, string Id, DateOnly OccurredOn, string State, string EventType, string? Governorate,
        double? Latitude, double? Longitude, IReadOnlyList<string> Parties, IReadOnlyList<(string Organisation, string Conclusion, string? Violation, string? Responsible, string? Dissent)> Findings,
        IReadOnlyList<(string Party, string Text)> Replies, bool Simulated);

    public sealed record Count(string Key, int Now, int Previous)
    {
        public int Change => Now - Previous;
    }

    /// <summary>English labels of the published states, translated on the page.</summary>
    public static readonly IReadOnlyDictionary<string, string> StateLabels = new Dictionary<string, string>
    {
        ["reported"] = "Reported", ["underReview"] = "Under review", ["verified"] = "Verified",
        ["notVerified"] = "Not verified", ["disputed"] = "Disputed", ["dismissed"] = "Dismissed",
    }.ToDictionary(StringComparer.OrdinalIgnoreCase); // a finding's conclusion is published in lower case ("notverified")

    public static string StateLabel(string state) => StateLabels.GetValueOrDefault(state, state);

    public DateOnly From { get; private set; }

    public DateOnly To { get; private set; }

    public string? EventType { get; private set; }

    public string? State { get; private set; }

    public string? Governorate { get; private set; }

    public string? Party { get; private set; }

    public IReadOnlyList<Item> Shown { get; private set; } = [];

    public int PreviousTotal { get; private set; }

    public IReadOnlyList<Count> ByType { get; private set; } = [];

    public IReadOnlyList<Count> ByGovernorate { get; private set; } = [];

    public IReadOnlyList<Count> ByState { get; private set; } = [];

    public IReadOnlyList<(DateOnly Day, string State, int Count)> Daily { get; private set; } = [];

    public IReadOnlyList<string> Types { get; private set; } = [];

    public IReadOnlyList<string> Governorates { get; private set; } = [];

    public IReadOnlyList<string> Parties { get; private set; } = [];

    public string DataJson { get; private set; } = "{}";

    public async Task OnGetAsync(DateOnly? from, DateOnly? to, string? eventType, string? state, string? governorate, string? party, CancellationToken ct)
    {
        var all = (await OpenData.RowsAsync(db, OpenData.Find(Publications.IncidentConclusion)!, ct)).Select(ToItem).ToList();
        Types = all.Select(i => i.EventType).Distinct().Order(StringComparer.Ordinal).ToList();
        Governorates = all.Select(i => i.Governorate).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        Parties = all.SelectMany(i => i.Parties).Distinct().Order(StringComparer.Ordinal).ToList();
        // Thirty days by default, ending on the latest published incident (or today), compared with the thirty before.
        To = to ?? (all.Count > 0 ? all.Max(i => i.OccurredOn) : DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        From = from ?? To.AddDays(-29);
        if (From > To)
        {
            (From, To) = (To, From);
        }
        // At most ten years at a time, and room before it for the previous period of the same length.
        if (To.DayNumber - From.DayNumber > 3_652)
        {
            From = To.AddDays(-3_652);
        }
        if (From.DayNumber - DateOnly.MinValue.DayNumber <= To.DayNumber - From.DayNumber + 1)
        {
            (From, To) = (new DateOnly(2000, 1, 1), new DateOnly(2000, 1, 1).AddDays(Math.Min(To.DayNumber - From.DayNumber, 3_652)));
        }
        (EventType, State, Governorate, Party) = (Blank(eventType), Blank(state), Blank(governorate), Blank(party));
        var matching = all.Where(i => (EventType is null || i.EventType == EventType) && (State is null || i.State == State)
            && (Governorate is null || i.Governorate == Governorate) && (Party is null || i.Parties.Contains(Party))).ToList();
        var span = To.DayNumber - From.DayNumber + 1;
        var previousFrom = From.AddDays(-span);
        var now = matching.Where(i => i.OccurredOn >= From && i.OccurredOn <= To).ToList();
        // As the OSCE monitoring mission counted: dismissed reports are not violations and are not counted.
        var counted = now.Where(i => i.State != "dismissed").ToList();
        var before = matching.Where(i => i.OccurredOn >= previousFrom && i.OccurredOn < From && i.State != "dismissed").ToList();
        PreviousTotal = before.Count;
        ByType = Counts(counted, before, i => i.EventType);
        ByGovernorate = Counts(counted, before, i => i.Governorate ?? "–");
        ByState = Counts(counted, before, i => i.State);
        Daily = counted.GroupBy(i => (i.OccurredOn, i.State)).OrderBy(g => g.Key.OccurredOn).ThenBy(g => g.Key.State, StringComparer.Ordinal)
            .Select(g => (g.Key.OccurredOn, g.Key.State, g.Count())).ToList();
        Shown = now.OrderByDescending(i => i.OccurredOn).ThenByDescending(i => i.Entry).ToList();
        if (Shown.Any(i => i.Simulated))
        {
            ViewData["Simulated"] = true;
        }
        var zones = (await db.Zones.AsNoTracking().ToListAsync(ct)).Where(z => z.InForceOn(To));
        DataJson = JsonSerializer.Serialize(new
        {
            link = "/log/records/" + Publications.IncidentConclusion + "/",
            zones = JsonDocument.Parse(ZonesApi.FeatureCollection(zones)).RootElement,
            incidents = Shown.Where(i => i.Latitude is not null && i.Longitude is not null)
                .Select(i => new { id = i.Id, lat = i.Latitude, lon = i.Longitude, state = i.State, type = i.EventType, day = i.OccurredOn }),
        });
    }

    public string Query => string.Join("&", new (string, string?)[]
        {
            ("from", From.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), ("to", To.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            ("eventType", EventType), ("state", State), ("governorate", Governorate), ("party", Party),
        }.Where(p => p.Item2 is not null).Select(p => $"{p.Item1}={Uri.EscapeDataString(p.Item2!)}"));

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    private static List<Count> Counts(List<Item> now, List<Item> before, Func<Item, string> key)
    {
        var previous = before.GroupBy(key).ToDictionary(g => g.Key, g => g.Count());
        return now.GroupBy(key).Select(g => new Count(g.Key, g.Count(), previous.GetValueOrDefault(g.Key)))
            .Concat(previous.Where(p => now.All(i => key(i) != p.Key)).Select(p => new Count(p.Key, 0, p.Value)))
            .OrderByDescending(c => c.Now).ThenBy(c => c.Key, StringComparer.Ordinal).ToList();
    }

    private static Item ToItem(OpenData.Row row)
    {
        var c = row.Content;
        string? S(JsonNode? n) => n?.GetValueKind() == JsonValueKind.String ? n.GetValue<string>() : null;
        double? D(JsonNode? n) => S(n) is { } s && double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v
            : n?.GetValueKind() == JsonValueKind.Number ? n.GetValue<double>() : null;
        return new Item(row.Entry, row.Record,
            DateOnly.TryParseExact(S(c["occurredOn"]), "yyyy-MM-dd", out var day) ? day : DateOnly.FromDateTime(row.PublishedAt),
            S(c["state"]) ?? "", S(c["eventType"]) ?? "", S(c["governorate"]), D(c["latitude"]), D(c["longitude"]),
            c["allegedParties"] is JsonArray parties ? parties.Select(S).OfType<string>().ToList() : [],
            c["findings"] is JsonArray findings
                ? findings.OfType<JsonObject>().Select(f => (S(f["organisation"]) ?? "", S(f["conclusion"]) ?? "", S(f["violation"]), S(f["responsibleParty"]), S(f["dissent"]))).ToList()
                : [],
            c["replies"] is JsonArray replies ? replies.OfType<JsonObject>().Select(r => (S(r["party"]) ?? "", S(r["text"]) ?? "")).ToList() : [],
            row.Simulated);
    }
}
