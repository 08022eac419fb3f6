using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Geometries;
using Truceline.Common;

namespace Truceline.Geo;

public sealed record GeoFeature(string? Id, Geometry? Geometry, IReadOnlyDictionary<string, JsonElement> Properties)
{
    public string? Text(string name) =>
        Properties.TryGetValue(name, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            JsonValueKind.True => "true",
            JsonValueKind.False => "false",
            _ => null,
        } : null;
}

/// <summary>
/// Reads RFC 7946 GeoJSON into NetTopologySuite geometries (WGS 84, SRID 4326). NetTopologySuite's own
/// GeoJSON package is not available here, and outside files deserve a strict reader anyway: every error
/// names where it is (JSON path), positions must be in range, rings closed, and sizes bounded.
/// Winding order is not checked: RFC 7946 §3.1.6 says parsers SHOULD NOT reject on it.
/// </summary>
public static class GeoJson
{
    public const int MaxBytes = 64 * 1024 * 1024;
    public const int MaxFeatures = 100_000;
    public const int MaxPositions = 5_000_000;

    private static readonly GeometryFactory Factory = new(new PrecisionModel(), 4326);

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32, AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    public static GeometryFactory Wgs84 => Factory;

    /// <summary>A FeatureCollection, a Feature, or a bare geometry, as a list of features.</summary>
    public static Outcome<IReadOnlyList<GeoFeature>> Read(string json)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, Options);
        }
        catch (JsonException e)
        {
            return Failure.Invalid("$", $"not valid JSON ({e.Message.Split(" Path:", 2)[0]})");
        }
        using (doc)
        {
            var reader = new Reader();
            var features = reader.Root(doc.RootElement);
            return reader.Errors.Any ? reader.Errors.ToFailure() : new Outcome<IReadOnlyList<GeoFeature>>(features, null);
        }
    }

    private sealed class Reader
    {
        public FieldErrors Errors { get; } = new();

        private int _positions;

        public IReadOnlyList<GeoFeature> Root(JsonElement root)
        {
            if (root.ValueKind != JsonValueKind.Object)
            {
                Errors.Add("$", "the root of a GeoJSON document must be an object");
                return [];
            }
            NoDuplicateMembers(root, "$");
            switch (TypeOf(root, "$"))
            {
                case "FeatureCollection":
                    Bbox(root, "$");
                    NotAllowed(root, "$", "FeatureCollection", "geometry", "properties", "coordinates", "geometries");
                    if (!root.TryGetProperty("features", out var features) || features.ValueKind != JsonValueKind.Array)
                    {
                        Errors.Add("$.features", "is required and must be an array");
                        return [];
                    }
                    if (features.GetArrayLength() > MaxFeatures)
                    {
                        Errors.Add("$.features", $"more than {MaxFeatures} features");
                        return [];
                    }
                    var list = new List<GeoFeature>();
                    var i = 0;
                    foreach (var f in features.EnumerateArray())
                    {
                        if (Feature(f, $"$.features[{i++}]") is { } feature)
                        {
                            list.Add(feature);
                        }
                        if (Errors.Any && i > 50)
                        {
                            break; // enough to act on
                        }
                    }
                    return list;
                case "Feature":
                    return Feature(root, "$") is { } single ? [single] : [];
                case null:
                    return [];
                default:
                    var geometry = GeometryOf(root, "$");
                    return geometry is null ? [] : [new GeoFeature(null, geometry, new Dictionary<string, JsonElement>())];
            }
        }

        private GeoFeature? Feature(JsonElement f, string at)
        {
            if (f.ValueKind != JsonValueKind.Object)
            {
                Errors.Add(at, "every feature must be an object");
                return null;
            }
            NoDuplicateMembers(f, at);
            if (TypeOf(f, at) is not "Feature")
            {
                Errors.Add($"{at}.type", "must be \"Feature\"");
                return null;
            }
            NotAllowed(f, at, "Feature", "features", "coordinates", "geometries");
            Bbox(f, at);
            string? id = null;
            if (f.TryGetProperty("id", out var idElement))
            {
                id = idElement.ValueKind switch
                {
                    JsonValueKind.String => idElement.GetString(),
                    JsonValueKind.Number => idElement.GetRawText(),
                    _ => null,
                };
                if (id is null)
                {
                    Errors.Add($"{at}.id", "must be a string or a number");
                }
            }
            var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            if (!f.TryGetProperty("properties", out var props))
            {
                Errors.Add($"{at}.properties", "is required (it may be null)");
            }
            else if (props.ValueKind == JsonValueKind.Object)
            {
                foreach (var p in props.EnumerateObject())
                {
                    properties[p.Name] = p.Value.Clone();
                }
            }
            else if (props.ValueKind != JsonValueKind.Null)
            {
                Errors.Add($"{at}.properties", "must be an object or null");
            }
            if (!f.TryGetProperty("geometry", out var geometry))
            {
                Errors.Add($"{at}.geometry", "is required (it may be null)");
                return null;
            }
            return geometry.ValueKind == JsonValueKind.Null ? new GeoFeature(id, null, properties) : new GeoFeature(id, GeometryOf(geometry, $"{at}.geometry"), properties);
        }

        private Geometry? GeometryOf(JsonElement g, string at)
        {
            if (g.ValueKind != JsonValueKind.Object)
            {
                Errors.Add(at, "a geometry must be an object");
                return null;
            }
            NoDuplicateMembers(g, at);
            var type = TypeOf(g, at);
            if (type is null)
            {
                return null;
            }
            Bbox(g, at);
            NotAllowed(g, at, "geometry", "features", "properties", "geometry");
            if (type == "GeometryCollection")
            {
                if (!g.TryGetProperty("geometries", out var members) || members.ValueKind != JsonValueKind.Array)
                {
                    Errors.Add($"{at}.geometries", "is required and must be an array");
                    return null;
                }
                var parts = new List<Geometry>();
                var i = 0;
                foreach (var m in members.EnumerateArray())
                {
                    if (GeometryOf(m, $"{at}.geometries[{i++}]") is { } part)
                    {
                        parts.Add(part);
                    }
                }
                return Errors.Any ? null : Factory.CreateGeometryCollection([.. parts]);
            }
            if (!g.TryGetProperty("coordinates", out var c))
            {
                Errors.Add($"{at}.coordinates", "is required");
                return null;
            }
            var where = $"{at}.coordinates";
            try
            {
                return type switch
                {
                    "Point" => Factory.CreatePoint(Position(c, where)),
                    "MultiPoint" => Factory.CreateMultiPoint(Positions(c, where, 0).Select(Factory.CreatePoint).ToArray()),
                    "LineString" => Line(c, where),
                    "MultiLineString" => Factory.CreateMultiLineString(Array(c, where).Select((l, i) => Line(l, $"{where}[{i}]")).ToArray()),
                    "Polygon" => Polygon(c, where),
                    "MultiPolygon" => Factory.CreateMultiPolygon(Array(c, where).Select((p, i) => Polygon(p, $"{where}[{i}]")).ToArray()),
                    _ => Unknown(type, $"{at}.type"),
                };
            }
            catch (InvalidShape)
            {
                return null;
            }
        }

        private Geometry? Unknown(string type, string at)
        {
            Errors.Add(at, $"'{type}' is not a GeoJSON geometry type (types are case-sensitive)");
            return null;
        }

        private sealed class InvalidShape : Exception;

        private IEnumerable<JsonElement> Array(JsonElement e, string at)
        {
            if (e.ValueKind != JsonValueKind.Array)
            {
                Errors.Add(at, "must be an array");
                throw new InvalidShape();
            }
            return e.EnumerateArray().ToList();
        }

        private Coordinate Position(JsonElement e, string at)
        {
            if (e.ValueKind != JsonValueKind.Array)
            {
                Errors.Add(at, "a position must be an array of numbers");
                throw new InvalidShape();
            }
            var n = e.GetArrayLength();
            if (n < 2 || n > 3)
            {
                Errors.Add(at, n < 2 ? "a position needs longitude and latitude" : "a position has at most three numbers (longitude, latitude, altitude)");
                throw new InvalidShape();
            }
            var values = new double[n];
            var i = 0;
            foreach (var v in e.EnumerateArray())
            {
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out values[i]) || !double.IsFinite(values[i]))
                {
                    Errors.Add($"{at}[{i}]", "each element of a position must be a number");
                    throw new InvalidShape();
                }
                i++;
            }
            if (values[0] is < -180 or > 180 || values[1] is < -90 or > 90)
            {
                Errors.Add(at, string.Create(CultureInfo.InvariantCulture, $"longitude {values[0]} / latitude {values[1]} is outside the world (WGS 84: longitude first)"));
                throw new InvalidShape();
            }
            if (++_positions > MaxPositions)
            {
                Errors.Add(at, $"more than {MaxPositions} positions in the document");
                throw new InvalidShape();
            }
            return n == 3 ? new CoordinateZ(values[0], values[1], values[2]) : new Coordinate(values[0], values[1]);
        }

        private Coordinate[] Positions(JsonElement e, string at, int minimum)
        {
            var list = Array(e, at).Select((p, i) => Position(p, $"{at}[{i}]")).ToArray();
            if (list.Length < minimum)
            {
                Errors.Add(at, minimum == 2 ? "a line needs two or more positions" : "a linear ring needs four or more positions");
                throw new InvalidShape();
            }
            return list;
        }

        private LineString Line(JsonElement e, string at) => Factory.CreateLineString(Positions(e, at, 2));

        private Polygon Polygon(JsonElement e, string at)
        {
            var rings = Array(e, at).Select((r, i) =>
            {
                var positions = Positions(r, $"{at}[{i}]", 4);
                if (!positions[0].Equals2D(positions[^1]) || !positions[0].Z.Equals(positions[^1].Z))
                {
                    Errors.Add($"{at}[{i}]", "the first and last positions of a linear ring must be the same");
                    throw new InvalidShape();
                }
                return Factory.CreateLinearRing(positions);
            }).ToArray();
            if (rings.Length == 0)
            {
                Errors.Add(at, "a polygon needs at least its exterior ring");
                throw new InvalidShape();
            }
            return Factory.CreatePolygon(rings[0], rings[1..]);
        }

        private string? TypeOf(JsonElement e, string at)
        {
            if (!e.TryGetProperty("type", out var t))
            {
                Errors.Add($"{at}.type", "is required");
                return null;
            }
            if (t.ValueKind != JsonValueKind.String)
            {
                Errors.Add($"{at}.type", "must be a string");
                return null;
            }
            return t.GetString();
        }

        private void Bbox(JsonElement e, string at)
        {
            if (!e.TryGetProperty("bbox", out var b))
            {
                return;
            }
            if (b.ValueKind != JsonValueKind.Array || b.GetArrayLength() is not (4 or 6) || b.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.Number))
            {
                Errors.Add($"{at}.bbox", "must be an array of 4 (2D) or 6 (3D) numbers");
            }
        }

        // RFC 7946 §7.1: members that would change the semantics of an object.
        private void NotAllowed(JsonElement e, string at, string what, params string[] members)
        {
            foreach (var m in members)
            {
                if (e.TryGetProperty(m, out _))
                {
                    Errors.Add($"{at}.{m}", $"a {what} object cannot contain a \"{m}\" member");
                }
            }
        }

        private void NoDuplicateMembers(JsonElement e, string at)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in e.EnumerateObject())
            {
                if (!seen.Add(p.Name))
                {
                    Errors.Add($"{at}.{p.Name}", "appears twice in the same object, which makes the document ambiguous");
                }
            }
        }
    }
}
