using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Truceline.Data;

namespace Truceline.Aid;

/// <summary>
/// Every aid table as CSV with an HXL hashtag row under the header (https://hxlstandard.org/standard/1-1final/dictionary/),
/// or as JSON. Rows are read as the caller may see them; the aggregate tables are public.
/// </summary>
public static class AidExport
{
    public sealed record Column(string Name, string Hxl);

    public sealed record Table(string Name, bool Public, IReadOnlyList<Column> Columns, Func<TrucelineDb, IAsyncEnumerable<object?[]>> Rows);

    private static readonly string[] StageColumns = Enum.GetValues<ConsignmentStage>().Select(s => s.CsvColumn()).ToArray();

    public static readonly IReadOnlyList<Table> Tables =
    [
        new("daily", Public: true,
            [new("day", "#date"), new("crossing", "#loc+crossing"), new("category", "#item+type"), new("stage", "#status"),
             new("from_stage", "#status+previous"), new("consignments", "#indicator+num+consignments"), new("trucks", "#indicator+num+trucks"),
             new("tonnes", "#indicator+num+tonnes")],
            db => db.AidDaily.AsNoTracking().OrderBy(d => d.Day).ThenBy(d => d.Crossing).ThenBy(d => d.Category).ThenBy(d => d.Stage).ThenBy(d => d.FromStage)
                .Select(d => new object?[] { d.Day, d.Crossing, d.Category, d.Stage, d.FromStage, d.Consignments, d.Trucks, d.Tonnes }).AsAsyncEnumerable()),
        new("governorate-figures", Public: true,
            [new("governorate", "#adm1+code"), new("population", "#population+total"), new("people_in_need", "#inneed"), new("as_of", "#date"),
             new("source", "#meta+source"), new("simulated", "#meta+simulated")],
            db => db.GovernorateFigures.AsNoTracking().OrderBy(f => f.Governorate).ThenBy(f => f.AsOf)
                .Select(f => new object?[] { f.Governorate, f.Population, f.PeopleInNeed, f.AsOf, f.Source, f.Simulated }).AsAsyncEnumerable()),
        new("consignments", Public: false,
            [new("reference", "#meta+id"), new("organisation", "#org"), new("crossing", "#loc+crossing"), new("destination_governorate", "#adm1+code"),
             new("recipient", "#org+recipient"), new("donor", "#org+funder"), new("category", "#item+type"), new("description", "#item+name"),
             new("trucks", "#indicator+num+trucks"), new("tonnes", "#indicator+num+tonnes"), new("pallets", "#indicator+num+pallets"),
             new("stage", "#status"), .. StageColumns.Select(c => new Column(c, "#date+" + c.Replace("_at", "").Replace("_", ""))),
             new("reason", "#description+reason"), new("simulated", "#meta+simulated")],
            ConsignmentRows),
        new("distributions", Public: false,
            [new("day", "#date"), new("organisation", "#org"), new("governorate", "#adm1+code"), new("category", "#item+type"), new("quantity", "#indicator+num"),
             new("unit", "#meta+unit"), new("tonnes", "#indicator+num+tonnes"), new("people_reached", "#reached"), new("simulated", "#meta+simulated")],
            db => db.Distributions.AsNoTracking().OrderBy(d => d.Day).ThenBy(d => d.Id)
                .Select(d => new object?[] { d.Day, d.OrganisationName, d.Governorate, d.Category, d.Quantity, d.Unit, d.Tonnes, d.PeopleReached, d.Simulated }).AsAsyncEnumerable()),
        new("impediments", Public: false,
            [new("day", "#date"), new("organisation", "#org"), new("kind", "#event+type"), new("reason", "#event+reason"), new("crossing", "#loc+crossing"),
             new("governorate", "#adm1+code"), new("latitude", "#geo+lat"), new("longitude", "#geo+lon"), new("description", "#description"), new("simulated", "#meta+simulated")],
            db => db.Impediments.AsNoTracking().OrderBy(i => i.Day).ThenBy(i => i.Id)
                .Select(i => new object?[] { i.Day, i.OrganisationName, i.Kind, i.Reason, i.Crossing, i.Governorate, i.Latitude, i.Longitude, i.Description, i.Simulated }).AsAsyncEnumerable()),
    ];

    public static Table? Find(string name) => Tables.FirstOrDefault(t => t.Name == name);

    private static async IAsyncEnumerable<object?[]> ConsignmentRows(TrucelineDb db)
    {
        // Events are read in the same order as their consignments, a page at a time, so a year exports in constant memory.
        Guid? after = null;
        while (true)
        {
            var page = await db.Consignments.AsNoTracking().Include(c => c.Lines).Where(c => after == null || c.Id.CompareTo(after.Value) > 0)
                .OrderBy(c => c.Id).Take(1000).ToListAsync();
            if (page.Count == 0)
            {
                yield break;
            }
            var ids = page.Select(c => c.Id).ToList();
            var events = (await db.ConsignmentEvents.AsNoTracking().Where(e => ids.Contains(e.ConsignmentId)).ToListAsync())
                .ToLookup(e => e.ConsignmentId);
            foreach (var c in page)
            {
                var times = Enum.GetValues<ConsignmentStage>().Select(s => (object?)events[c.Id].Where(e => e.Stage == s).Select(e => (DateTime?)e.At).FirstOrDefault());
                yield return [c.Reference, c.OrganisationName, c.Crossing, c.DestinationGovernorate, c.Recipient, c.Donor, c.Category,
                    string.Join("; ", c.Lines.OrderBy(l => l.Ordinal).Select(l => l.Description)), c.Trucks, c.Tonnes, c.Pallets, c.Stage, .. times, c.Reason, c.Simulated];
            }
            after = page[^1].Id;
        }
    }

    public static async Task WriteCsvAsync(Table table, TrucelineDb db, TextWriter writer, CancellationToken ct)
    {
        await writer.WriteLineAsync(string.Join(",", table.Columns.Select(c => Cell(c.Name))));
        await writer.WriteLineAsync(string.Join(",", table.Columns.Select(c => Cell(c.Hxl))));
        await foreach (var row in table.Rows(db).WithCancellation(ct))
        {
            await writer.WriteLineAsync(string.Join(",", row.Select(v => Cell(Format(v)))));
        }
    }

    public static async Task WriteJsonAsync(Table table, TrucelineDb db, Stream stream, bool simulated, CancellationToken ct)
    {
        await using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteString("table", table.Name);
        json.WriteBoolean("simulated", simulated);
        json.WriteStartArray("hxl");
        foreach (var c in table.Columns)
        {
            json.WriteStringValue(c.Hxl);
        }
        json.WriteEndArray();
        json.WriteStartArray("rows");
        await foreach (var row in table.Rows(db).WithCancellation(ct))
        {
            json.WriteStartObject();
            for (var i = 0; i < row.Length; i++)
            {
                json.WritePropertyName(table.Columns[i].Name);
                switch (row[i])
                {
                    case null: json.WriteNullValue(); break;
                    case double d: json.WriteNumberValue(d); break;
                    case long l: json.WriteNumberValue(l); break;
                    case int n: json.WriteNumberValue(n); break;
                    case bool b: json.WriteBooleanValue(b); break;
                    default: json.WriteStringValue(Format(row[i])); break;
                }
            }
            json.WriteEndObject();
            if (json.BytesPending > 64 * 1024)
            {
                await json.FlushAsync(ct);
            }
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(ct);
    }

    public static string Format(object? value) => value switch
    {
        null => "",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        double d => d.ToString("0.###", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        ConsignmentStage s => s.Slug(),
        CommodityCategory c => c.Slug(),
        Enum e => e.ToString().ToLowerInvariant(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>RFC 4180 quoting, and a leading quote on text a spreadsheet would run as a formula.</summary>
    public static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            value = "'" + value;
        }
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
