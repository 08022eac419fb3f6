using Truceline.Access;
using Truceline.Incidents;

namespace Truceline.Tests.Incidents;

public sealed class IncidentIndexTests
{
    private static readonly DateOnly Day = new(2026, 11, 18);

    private static Incident Incident(double lat, double lon, int precision = 1, string type = "Shelling", int days = 0, string? governorate = "PS0270") => new()
    {
        EventType = type, OccurredOn = Day.AddDays(days), Latitude = lat, Longitude = lon, GeoPrecision = precision, GovernorateCode = governorate,
        Classification = Classification.Restricted,
    };

    private static Report Report(double lat, double lon, int precision = 1, string type = "Shelling", int days = 0, int timePrecision = 1, string? governorate = "PS0270") => new()
    {
        EventType = type, OccurredOn = Day.AddDays(days), Latitude = lat, Longitude = lon, GeoPrecision = precision, TimePrecision = timePrecision,
        GovernorateCode = governorate, Classification = Classification.Restricted,
    };

    [Fact]
    public void AReportJoinsTheNearestIncidentWithinTheRadius()
    {
        var index = new IncidentIndex();
        var near = Incident(31.3462, 34.3063);
        var nearer = Incident(31.3470, 34.3070);
        index.Add(near);
        index.Add(nearer);
        Assert.Same(nearer, index.Match(Report(31.3471, 34.3071)));
        // 0.02° of latitude is about 2.2 km: beyond an exact report's 2 km.
        Assert.Null(index.Match(Report(31.3670, 34.3070)));
        // Near a named place (precision 2): 5 km.
        Assert.Same(nearer, index.Match(Report(31.3670, 34.3070, precision: 2)));
    }

    [Fact]
    public void TypeDayWindowAndReadersMustAgree()
    {
        var index = new IncidentIndex();
        index.Add(Incident(31.3462, 34.3063));
        Assert.Null(index.Match(Report(31.3462, 34.3063, type: "Battles")));
        Assert.Null(index.Match(Report(31.3462, 34.3063, days: 2)));                    // a known day: one day either side
        Assert.NotNull(index.Match(Report(31.3462, 34.3063, days: 1)));
        Assert.NotNull(index.Match(Report(31.3462, 34.3063, days: 5, timePrecision: 2))); // only the week is known: seven days
        var confidential = Report(31.3462, 34.3063);
        confidential.Classification = Classification.Confidential;
        Assert.Null(index.Match(confidential));
    }

    [Fact]
    public void RegionOnlyIncidentsMatchWithinTheirGovernorateUpTo15Km()
    {
        var index = new IncidentIndex();
        var region = Incident(31.3462, 34.3063, precision: 3);
        index.Add(region);
        Assert.Same(region, index.Match(Report(31.4300, 34.3300)));                       // about 9.6 km away, same governorate
        Assert.Null(index.Match(Report(31.4300, 34.3300, governorate: "PS0265")));        // another governorate
        Assert.Null(index.Match(Report(31.5200, 34.3300)));                               // about 19 km: beyond 15 km
    }
}
