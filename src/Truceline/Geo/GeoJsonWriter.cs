using System.Text.Json;
using NetTopologySuite.Geometries;

namespace Truceline.Geo;

/// <summary>Writes NetTopologySuite geometries as RFC 7946 GeoJSON (positions rounded to 7 decimals, about 1 cm).</summary>
public static class GeoJsonWriter
{
    public static void Write(Utf8JsonWriter w, Geometry g)
    {
        w.WriteStartObject();
        switch (g)
        {
            case Point p:
                w.WriteString("type", "Point");
                w.WritePropertyName("coordinates");
                Position(w, p.Coordinate);
                break;
            case LineString l:
                w.WriteString("type", "LineString");
                w.WritePropertyName("coordinates");
                Positions(w, l.Coordinates);
                break;
            case Polygon poly:
                w.WriteString("type", "Polygon");
                w.WritePropertyName("coordinates");
                Rings(w, poly);
                break;
            case MultiPoint mp:
                w.WriteString("type", "MultiPoint");
                w.WritePropertyName("coordinates");
                Positions(w, mp.Coordinates);
                break;
            case MultiLineString ml:
                w.WriteString("type", "MultiLineString");
                w.WritePropertyName("coordinates");
                w.WriteStartArray();
                foreach (var part in ml.Geometries)
                {
                    Positions(w, part.Coordinates);
                }
                w.WriteEndArray();
                break;
            case MultiPolygon mpoly:
                w.WriteString("type", "MultiPolygon");
                w.WritePropertyName("coordinates");
                w.WriteStartArray();
                foreach (var part in mpoly.Geometries)
                {
                    Rings(w, (Polygon)part);
                }
                w.WriteEndArray();
                break;
            case GeometryCollection gc:
                w.WriteString("type", "GeometryCollection");
                w.WriteStartArray("geometries");
                foreach (var part in gc.Geometries)
                {
                    Write(w, part);
                }
                w.WriteEndArray();
                break;
            default:
                throw new NotSupportedException(g.GeometryType);
        }
        w.WriteEndObject();
    }

    private static void Rings(Utf8JsonWriter w, Polygon p)
    {
        w.WriteStartArray();
        Positions(w, p.ExteriorRing.Coordinates);
        foreach (var hole in p.InteriorRings)
        {
            Positions(w, hole.Coordinates);
        }
        w.WriteEndArray();
    }

    private static void Positions(Utf8JsonWriter w, Coordinate[] cs)
    {
        w.WriteStartArray();
        foreach (var c in cs)
        {
            Position(w, c);
        }
        w.WriteEndArray();
    }

    private static void Position(Utf8JsonWriter w, Coordinate c)
    {
        w.WriteStartArray();
        w.WriteNumberValue(Math.Round(c.X, 7));
        w.WriteNumberValue(Math.Round(c.Y, 7));
        w.WriteEndArray();
    }
}
