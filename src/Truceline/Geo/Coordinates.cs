using System.Globalization;
using Truceline.Common;

namespace Truceline.Geo;

public static class Coordinates
{
    /// <summary>Latitude and longitude as text from a form, query or message: decimal degrees, invariant culture, in range.</summary>
    public static (double Latitude, double Longitude, FieldErrors Errors) Parse(string? lat, string? lon)
    {
        var errors = new FieldErrors();
        var latitude = Number(lat, "lat", -90, 90, errors);
        var longitude = Number(lon, "lon", -180, 180, errors);
        return (latitude, longitude, errors);
    }

    private static double Number(string? text, string field, double min, double max, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(field, "is required (decimal degrees, WGS 84)");
            return 0;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
        {
            errors.Add(field, $"'{text}' is not a number in decimal degrees");
            return 0;
        }
        if (value < min || value > max)
        {
            errors.Add(field, $"{value.ToString(CultureInfo.InvariantCulture)} is out of range ({min} to {max})");
        }
        return value;
    }
}
