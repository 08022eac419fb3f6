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

    public static (Confidence Level, List<string> Reasons) Assess(IReadOnlyCollection<Report> reports)
    {
        var sources = reports.Select(SourceKey).Distinct().Count();
        var observed = reports.Any(r => r.SourceType is SourceType.MonitorPatrol or SourceType.Sensor);
        var precision = reports.Min(r => r.GeoPrecision);
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

    public static void Summarise(Incident incident, IReadOnlyCollection<Report> reports, DateTime now)
    {
        if (reports.Count == 0)
        {
            return;
        }
        var best = reports.Min(r => r.GeoPrecision);
        var located = reports.Where(r => r.GeoPrecision == best).ToList();
        incident.Latitude = located.Average(r => r.Latitude!.Value);
        incident.Longitude = located.Average(r => r.Longitude!.Value);
        incident.GeoPrecision = best;
        incident.GovernorateCode = located.GroupBy(r => r.GovernorateCode).OrderByDescending(g => g.Count()).First().Key;
        incident.OccurredOn = reports.Min(r => r.OccurredOn!.Value);
        incident.SubEventType ??= reports.Select(r => r.SubEventType).FirstOrDefault(s => s is not null);
        incident.AllegedParties = reports.SelectMany(r => r.AllegedParties).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal).ToList();
        incident.ReportCount = reports.Count;
        incident.SourceCount = reports.Select(SourceKey).Distinct().Count();
        (incident.Confidence, incident.ConfidenceReasons) = Assess(reports);
        // An incident is as restricted as its most restricted report.
        var strictest = reports.MaxBy(r => r.Classification)!;
        if (strictest.Classification > incident.Classification)
        {
            incident.Classification = strictest.Classification;
            incident.OwnerOrganisationId = strictest.OwnerOrganisationId;
            incident.ConfidentialTo = strictest.ConfidentialTo;
        }
        incident.UpdatedAt = now;
    }
}
