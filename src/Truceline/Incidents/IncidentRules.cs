using Truceline.Access;

namespace Truceline.Incidents;

/// <summary>What an incident's reports add up to: where and when, who is alleged, how many independent sources, and
/// how confident that makes us, with the reasons.</summary>
public static class IncidentRules
{
    /// <summary>
    /// Reports from the same source count once: the same person (by the keyed fingerprint of their identity), the
    /// same organisation's patrols, liaisons or sensors, the same publication.
    /// </summary>
    public static string SourceKey(Report r) =>
        r.SourceFingerprint is { } fingerprint ? $"person:{fingerprint}"
        : r.SourceType is SourceType.MonitorPatrol or SourceType.PartyLiaison or SourceType.Sensor && r.SubmittedByOrganisationId is { } org ? $"{r.SourceType}:{org}"
        : !string.IsNullOrWhiteSpace(r.Source) ? $"{r.SourceType}:{r.Source.Trim().ToLowerInvariant()}"
        : $"report:{r.Id}";

    /// <summary>How confident an incident's sources make us, with the reasons.</summary>
    public static (Confidence Level, List<string> Reasons) Assess(int sources, bool observed, int precision)
    {
        var reasons = new List<string>
        {
            sources == 1 ? "1 source" : $"{sources} independent sources",
            observed ? "observed by a monitor patrol or a sensor" : "no monitor patrol or sensor among the sources",
            precision switch
            {
                1 => "exact location",
                2 => "located near a named place",
                _ => "located only to a region",
            },
        };
        var level = sources >= 3 || (sources == 2 && observed && precision == 1) ? Confidence.High
            : sources == 2 || (observed && precision == 1) ? Confidence.Medium
            : Confidence.Low;
        return (level, reasons);
    }

    /// <summary>Sets the incident's summary from all its reports, and keeps their tally with it for reports that join later.</summary>
    public static void Summarise(Incident incident, IReadOnlyCollection<Report> reports, DateTime now)
    {
        if (reports.Count == 0)
        {
            incident.Tally = null;
            return;
        }
        var tally = new Tally();
        incident.AllegedParties = [];
        incident.ReportCount = 0;
        incident.OccurredOn = reports.Min(r => r.OccurredOn!.Value);
        Apply(incident, tally, reports, now);
    }

    /// <summary>
    /// Adds reports to the incident's summary without reading the reports it already has, from the tally kept with it.
    /// False (nothing changed) when it has no tally (an incident summarised before tallies were kept): summarise it whole.
    /// </summary>
    public static bool TryAdd(Incident incident, IReadOnlyCollection<Report> reports, DateTime now)
    {
        if (Tally.Read(incident.Tally) is not { } tally)
        {
            return false;
        }
        if (reports.Count > 0)
        {
            var earliest = reports.Min(r => r.OccurredOn!.Value);
            if (earliest < incident.OccurredOn)
            {
                incident.OccurredOn = earliest;
            }
            Apply(incident, tally, reports, now);
        }
        return true;
    }

    private static void Apply(Incident incident, Tally tally, IReadOnlyCollection<Report> reports, DateTime now)
    {
        foreach (var r in reports)
        {
            tally.Add(r);
        }
        incident.Latitude = tally.LatitudeSum / tally.AtBest;
        incident.Longitude = tally.LongitudeSum / tally.AtBest;
        incident.GeoPrecision = tally.Best;
        // The most frequent governorate among the best-placed reports; a tie goes to the one seen first.
        incident.GovernorateCode = tally.Governorates.Aggregate((a, b) => b.Reports > a.Reports ? b : a).Code;
        incident.SubEventType ??= reports.Select(r => r.SubEventType).FirstOrDefault(s => s is not null);
        // As the incident stores them ('|' becomes '/'), so a party already there is recognised when a report names it again.
        incident.AllegedParties = incident.AllegedParties.Concat(reports.SelectMany(r => r.AllegedParties).Select(p => p.Replace("|", "/", StringComparison.Ordinal)))
            .Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        incident.ReportCount += reports.Count;
        incident.SourceCount = tally.Sources.Count;
        (incident.Confidence, incident.ConfidenceReasons) = Assess(tally.Sources.Count, tally.Observed, tally.Best);
        // An incident is as restricted as its most restricted report.
        var strictest = reports.MaxBy(r => r.Classification)!;
        if (strictest.Classification > incident.Classification)
        {
            incident.Classification = strictest.Classification;
            incident.OwnerOrganisationId = strictest.OwnerOrganisationId;
            incident.ConfidentialTo = strictest.ConfidentialTo;
        }
        incident.Tally = tally.Write();
        incident.UpdatedAt = now;
    }

    /// <summary>
    /// The running sums behind an incident's summary, stored with it as JSON: the best geo-precision of its reports, the
    /// sums of their places at that precision and the governorates they fall in, its sources (each a short hash of its
    /// key: the key may hold a source's fingerprint or a publication's name, which the incident need not repeat), and
    /// whether a monitor patrol or a sensor is among them.
    /// </summary>
    public sealed class Tally
    {
        public int Best { get; set; } = int.MaxValue;

        public double LatitudeSum { get; set; }

        public double LongitudeSum { get; set; }

        public int AtBest { get; set; }

        public List<GovernorateCount> Governorates { get; set; } = [];

        public HashSet<string> Sources { get; set; } = [];

        public bool Observed { get; set; }

        public void Add(Report r)
        {
            if (r.GeoPrecision < Best)
            {
                (Best, LatitudeSum, LongitudeSum, AtBest) = (r.GeoPrecision, 0, 0, 0);
                Governorates.Clear();
            }
            if (r.GeoPrecision == Best)
            {
                LatitudeSum += r.Latitude!.Value;
                LongitudeSum += r.Longitude!.Value;
                AtBest++;
                if (Governorates.Find(g => g.Code == r.GovernorateCode) is { } seen)
                {
                    seen.Reports++;
                }
                else
                {
                    Governorates.Add(new GovernorateCount { Code = r.GovernorateCode, Reports = 1 });
                }
            }
            Sources.Add(Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(SourceKey(r))).AsSpan(0, 12)));
            Observed |= r.SourceType is SourceType.MonitorPatrol or SourceType.Sensor;
        }

        public static Tally? Read(string? json) => json is null ? null : System.Text.Json.JsonSerializer.Deserialize<Tally>(json);

        public string Write() => System.Text.Json.JsonSerializer.Serialize(this);
    }

    public sealed class GovernorateCount
    {
        public string? Code { get; set; }

        public int Reports { get; set; }
    }
}
