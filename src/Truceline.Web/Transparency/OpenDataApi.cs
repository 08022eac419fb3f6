using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Truceline.Aid;
using Truceline.Common;
using Truceline.Data;
using Truceline.Transparency;

namespace Truceline.Web.Transparency;

/// <summary>
/// Open data, for anyone, under <see cref="OpenData.Licence"/>: each public dataset as CSV with an HXL hashtag row, as
/// JSON, and as GeoJSON where it has places. Answers carry the log's size as their ETag, so a crowd of readers is
/// answered from caches until a leaf is appended, and then at once with the new data.
/// </summary>
public static class OpenDataApi
{
    public static void MapOpenDataApi(this IEndpointRouteBuilder routes)
    {
        var open = routes.MapGroup("/api/v1/open").WithTags("Open data").AllowAnonymous().CacheOutput(PublicCache.Policy);
        open.MapGet("/", GetIndex).WithSummary("The public datasets, their formats and their licence");
        open.MapGet("/{name}", GetDataset).WithSummary("A dataset as .csv (with an HXL row), .json or .geojson (where it has places)");
    }

    public static async Task<IResult> GetIndex(TrucelineDb db, HttpContext http, CancellationToken ct)
    {
        if (await NotModifiedAsync(db, http, ct))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        return Results.Json(new
        {
            licence = OpenData.Licence,
            licenceUrl = OpenData.LicenceUrl,
            note = "Each row is the latest log entry of a published record; check any of them against the signed log at /log.",
            datasets = OpenData.Datasets.Select(d => new
            {
                name = d.Kind,
                title = d.Title,
                formats = d.HasPlaces ? new[] { "csv", "json", "geojson" } : ["csv", "json"],
                csv = $"/api/v1/open/{d.Kind}.csv",
                json = $"/api/v1/open/{d.Kind}.json",
                geojson = d.HasPlaces ? $"/api/v1/open/{d.Kind}.geojson" : null,
                columns = d.Columns.Select(c => new { name = c.Name, hxl = c.Hxl }),
            }),
        });
    }

    public static async Task<IResult> GetDataset(string name, TrucelineDb db, HttpContext http, CancellationToken ct)
    {
        var dot = name.LastIndexOf('.');
        var (kind, format) = dot < 0 ? (name, "") : (name[..dot], name[(dot + 1)..]);
        if (OpenData.Find(kind) is not { } dataset)
        {
            return Failure.NotFound($"There is no dataset '{kind}': see /api/v1/open for the list.").ToProblem();
        }
        if (format is not ("csv" or "json" or "geojson") || (format == "geojson" && !dataset.HasPlaces))
        {
            return Failure.Invalid("format", dataset.HasPlaces ? "must be .csv, .json or .geojson" : "must be .csv or .json (this dataset has no places)").ToProblem();
        }
        if (await NotModifiedAsync(db, http, ct))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        var rows = await OpenData.RowsAsync(db, dataset, ct);
        http.Response.Headers.Append("Link", $"<{OpenData.LicenceUrl}>; rel=\"license\"");
        return format switch
        {
            "csv" => Results.Text(Csv(dataset, rows), "text/csv; charset=utf-8", Encoding.UTF8),
            "json" => Results.Json(new
            {
                dataset = dataset.Kind, title = dataset.Title, licence = OpenData.Licence, licenceUrl = OpenData.LicenceUrl,
                simulated = rows.Any(r => r.Simulated), hxl = dataset.Columns.ToDictionary(c => c.Name, c => c.Hxl),
                rows = rows.Select(r => dataset.Columns.ToDictionary(c => c.Name, c => (object?)Value(r, c))),
            }),
            _ => Results.Text(GeoJson(dataset, rows), "application/geo+json", Encoding.UTF8),
        };
    }

    private static string Csv(OpenData.Dataset dataset, IReadOnlyList<OpenData.Row> rows)
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(",", dataset.Columns.Select(c => AidExport.Cell(c.Name)))).Append('\n');
        sb.Append(string.Join(",", dataset.Columns.Select(c => AidExport.Cell(c.Hxl)))).Append('\n');
        foreach (var row in rows)
        {
            sb.Append(string.Join(",", dataset.Columns.Select(c => AidExport.Cell(OpenData.Text(row, c))))).Append('\n');
        }
        return sb.ToString();
    }

    private static object? Value(OpenData.Row row, OpenData.Column column) => column.Name switch
    {
        "entry" => row.Entry,
        "simulated" => row.Simulated,
        _ when row.Content[column.Name] is JsonArray a && a.Any(x => x is JsonObject) => a,
        _ when row.Content[column.Name] is JsonArray a => a.Select(x => x?.ToString()).ToList(),
        _ => OpenData.Text(row, column) is { Length: > 0 } text ? text : null,
    };

    private static string GeoJson(OpenData.Dataset dataset, IReadOnlyList<OpenData.Row> rows)
    {
        var features = new JsonArray();
        foreach (var row in rows)
        {
            if (!double.TryParse(OpenData.Text(row, new("longitude", "")), NumberStyles.Float, CultureInfo.InvariantCulture, out var lon)
                || !double.TryParse(OpenData.Text(row, new("latitude", "")), NumberStyles.Float, CultureInfo.InvariantCulture, out var lat))
            {
                continue;
            }
            var properties = new JsonObject();
            foreach (var c in dataset.Columns.Where(c => c.Name is not ("latitude" or "longitude")))
            {
                properties[c.Name] = JsonSerializer.SerializeToNode(Value(row, c));
            }
            features.Add(new JsonObject
            {
                ["type"] = "Feature",
                ["geometry"] = new JsonObject { ["type"] = "Point", ["coordinates"] = new JsonArray(lon, lat) },
                ["properties"] = properties,
            });
        }
        return new JsonObject { ["type"] = "FeatureCollection", ["licence"] = OpenData.Licence, ["features"] = features }.ToJsonString();
    }

    /// <summary>Open data changes only when the log does: its size is the tag.</summary>
    private static async Task<bool> NotModifiedAsync(TrucelineDb db, HttpContext http, CancellationToken ct)
    {
        var etag = $"\"log-{await TransparencyLog.SizeAsync(db, ct)}\"";
        http.Response.Headers.ETag = etag;
        // Revalidated on every read: a cache answers 304s cheaply until a leaf is appended, and never serves stale data.
        http.Response.Headers.CacheControl = "public, no-cache";
        return http.Request.Headers.IfNoneMatch.Contains(etag);
    }
}
