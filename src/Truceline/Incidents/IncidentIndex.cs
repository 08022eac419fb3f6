namespace Truceline.Incidents;

/// <summary>
/// Incidents open to new reports, bucketed so a report's candidates are found in the few buckets its date window and
/// radius can reach, not by scanning every incident: located incidents (geo-precision 1–2, radius up to 5 km) by event
/// type, day and a grid cell of about 5 km; region-only incidents (precision 3, matched within their governorate) by
/// event type, day and governorate. An incident stays in the bucket it was opened in while a batch runs.
/// </summary>
public sealed class IncidentIndex
{
    private const double CellDegrees = 0.05; // about 5.5 km north–south, 4.7 km east–west at 31.5°N
    private const double MetresPerDegreeLatitude = 110_574.0;

    private readonly Dictionary<(string Type, int Day, int X, int Y), List<Incident>> _located = [];
    private readonly Dictionary<(string Type, int Day, string? Governorate), List<Incident>> _regional = [];

    public void Add(Incident incident)
    {
        var day = incident.OccurredOn.DayNumber;
        if (incident.GeoPrecision >= 3)
        {
            Add(_regional, (incident.EventType, day, incident.GovernorateCode), incident);
        }
        else
        {
            var (x, y) = Cell(incident.Latitude, incident.Longitude);
            Add(_located, (incident.EventType, day, x, y), incident);
        }
    }

    /// <summary>The open incident this report belongs to: same agreement, type and readers, overlapping date window, within
    /// the radius; nearest first.</summary>
    /// <param name="agreementId">The agreement in force on the report's day: an incident of another agreement is another
    /// event, even a day away across the day one agreement ends and the next begins.</param>
    public Incident? Match(Report r, Guid? agreementId = null)
    {
        var window = GroupReports.DayWindow(r.TimePrecision);
        // A located incident is within 5 km of a precise report, 15 km of a region-only one: two or four cells around.
        var reach = r.GeoPrecision >= 3 ? 4 : 2;
        var (cx, cy) = Cell(r.Latitude!.Value, r.Longitude!.Value);
        var day = r.OccurredOn!.Value.DayNumber;
        var metresPerDegreeLongitude = 111_320.0 * Math.Cos(r.Latitude.Value * Math.PI / 180.0);
        Incident? best = null;
        var bestDistance = double.MaxValue;
        void Consider(List<Incident> list)
        {
            foreach (var i in list)
            {
                var dx = (i.Longitude - r.Longitude!.Value) * metresPerDegreeLongitude;
                var dy = (i.Latitude - r.Latitude.Value) * MetresPerDegreeLatitude;
                var distance = Math.Sqrt((dx * dx) + (dy * dy));
                if (distance < bestDistance && i.AgreementId == agreementId && GroupReports.Matches(r, i, distance))
                {
                    (best, bestDistance) = (i, distance);
                }
            }
        }
        for (var d = day - window; d <= day + window; d++)
        {
            for (var x = cx - reach; x <= cx + reach; x++)
            {
                for (var y = cy - reach; y <= cy + reach; y++)
                {
                    if (_located.TryGetValue((r.EventType!, d, x, y), out var list))
                    {
                        Consider(list);
                    }
                }
            }
            if (_regional.TryGetValue((r.EventType!, d, r.GovernorateCode), out var regional))
            {
                Consider(regional);
            }
        }
        return best;
    }

    private static void Add<TKey>(Dictionary<TKey, List<Incident>> buckets, TKey key, Incident incident)
        where TKey : notnull
    {
        if (!buckets.TryGetValue(key, out var list))
        {
            buckets[key] = list = [];
        }
        list.Add(incident);
    }

    private static (int X, int Y) Cell(double lat, double lon) => ((int)Math.Floor(lon / CellDegrees), (int)Math.Floor(lat / CellDegrees));
}
