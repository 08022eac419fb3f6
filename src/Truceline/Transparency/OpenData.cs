using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Truceline.Data;

namespace Truceline.Transparency;

/// <summary>
/// The public datasets, read from the transparency log itself: for each kind of published record, the latest entry of
/// every record (corrections applied), each row naming the entry that holds it, so every figure can be checked against
/// the signed log. Nothing reaches them that did not reach the log, and the log holds nothing that is not public.
/// </summary>
public static class OpenData
{
    public const string Licence = "CC BY 4.0";

    public const string LicenceUrl = "https://creativecommons.org/licenses/by/4.0/";

    public sealed record Column(string Name, string Hxl);

    public sealed record Dataset(string Kind, string Title, IReadOnlyList<Column> Columns, bool HasPlaces);

    private static readonly Column[] Common = [new("entry", "#meta+log+entry"), new("record", "#meta+id"), new("published_at", "#date+published"), new("simulated", "#meta+simulated")];

    public static readonly IReadOnlyList<Dataset> Datasets =
    [
        new(Publications.ProvisionStatus, "Provision status changes",
            [.. Common, new("agreement", "#meta+agreement"), new("provision", "#activity+code"), new("title", "#activity+name"), new("fromStatus", "#status+previous"),
             new("toStatus", "#status"), new("effectiveOn", "#date"), new("evidence", "#description"), new("source", "#meta+source")], false),
        new(Publications.MetricObservation, "Metric observations",
            [.. Common, new("agreement", "#meta+agreement"), new("provision", "#activity+code"), new("metric", "#indicator+code"), new("name", "#indicator+name"),
             new("unit", "#indicator+unit"), new("observedOn", "#date"), new("value", "#indicator+value+num"), new("verification", "#status"), new("source", "#meta+source")], false),
        new(Publications.AidDaily, "Humanitarian aid entered per day",
            [.. Common, new("day", "#date"), new("consignmentsEntered", "#indicator+consignments+num"), new("trucksEntered", "#indicator+trucks+num"),
             new("tonnesEntered", "#indicator+tonnes+num")], false),
        new(Publications.IncidentConclusion, "Concluded ceasefire incidents",
            [.. Common, new("state", "#status"), new("occurredOn", "#date"), new("eventType", "#event+type"), new("governorate", "#adm1+code"),
             new("latitude", "#geo+lat"), new("longitude", "#geo+lon"), new("allegedParties", "#org+party"), new("findings", "#indicator+findings+num")], true),
        new(Publications.SituationReport, "Situation reports",
            [.. Common, new("agreement", "#meta+agreement"), new("title", "#meta+title"), new("periodFrom", "#date+start"), new("periodTo", "#date+end"),
             new("language", "#meta+lang"), new("version", "#meta+version+num"), new("withdrawn", "#status+withdrawn"), new("citations", "#meta+log+cited"),
             new("text", "#description"), new("correctionNote", "#description+correction"), new("withdrawalReason", "#description+withdrawal")], false),
    ];

    public static Dataset? Find(string kind) => Datasets.FirstOrDefault(d => d.Kind == kind);

    public sealed record Row(long Entry, string Record, DateTime PublishedAt, bool Simulated, JsonObject Content)
    {
        /// <summary>An entry as published: what its signed body says, with where it stands in the log.</summary>
        public static Row Of(LogEntry e)
        {
            var body = JsonNode.Parse(e.Body)!.AsObject();
            return new Row(e.Index, e.RecordId, e.PublishedAt, body["simulated"]?.GetValue<bool>() ?? false, body["content"]?.AsObject() ?? []);
        }
    }

    /// <summary>The latest entry of every record of the kind, in the order they were first published.</summary>
    public static async Task<IReadOnlyList<Row>> RowsAsync(TrucelineDb db, Dataset dataset, CancellationToken ct)
    {
        var kind = dataset.Kind;
        var latest = await db.LogEntries.AsNoTracking()
            .Where(e => e.Kind == kind && e.Index == db.LogEntries.Where(x => x.Kind == kind && x.RecordId == e.RecordId).Max(x => x.Index))
            .OrderBy(e => e.Index).ToListAsync(ct);
        return latest.Select(Row.Of).ToList();
    }

    /// <summary>A cell's text: scalars as published, a list joined with "; ", a list of objects counted.</summary>
    public static string Text(Row row, Column column) => column.Name switch
    {
        "entry" => row.Entry.ToString(System.Globalization.CultureInfo.InvariantCulture),
        "record" => row.Record,
        "published_at" => row.PublishedAt.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        "simulated" => row.Simulated ? "true" : "false",
        _ => row.Content[column.Name] switch
        {
            null => "",
            JsonArray a when a.All(x => x is JsonValue) => string.Join("; ", a.Select(x => x!.ToString())),
            JsonArray a => a.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            JsonValue v => v.ToString(),
            var other => other.ToJsonString(),
        },
    };
}
