using Microsoft.EntityFrameworkCore;
using NetTopologySuite.Geometries;
using Truceline.Access;
using Truceline.Data;
using Truceline.Geo;

namespace Truceline.Incidents;

/// <summary>
/// Groups structured reports that have no incident yet into incidents: a report joins the nearest incident of the
/// same event type whose date window and place overlap its own (both widened by their precision), or starts a new
/// one. Runs after intake has committed, reads only the database, and can be re-run at any time: a crash between
/// intake and grouping loses nothing.
/// </summary>
public static class GroupReports
{
    /// <summary>How far apart two reports of one event may be placed, by the coarser of their geo-precisions.</summary>
    public static double RadiusMeters(int geoPrecision) => geoPrecision switch
    {
        1 => 2_000,
        2 => 5_000,
        _ => 15_000, // a region: the governorate must match too
    };

    /// <summary>How many days either side of the date an event may lie, by time precision.</summary>
    public static int DayWindow(int timePrecision) => timePrecision switch
    {
        1 => 1,
        2 => 7,
        _ => 31,
    };

    public sealed record Outcome(int Grouped, int NewIncidents);

    public static async Task<Outcome> RunAsync(TrucelineDb db, TimeProvider time, int batch = 500, CancellationToken ct = default)
    {
        var grouped = 0;
        var created = 0;
        while (true)
        {
            var result = await Writes.InTransactionAsync(db, async () => new Common.Outcome<Outcome>(await BatchAsync(db, time, batch, ct), null), ct);
            grouped += result.Value!.Grouped;
            created += result.Value.NewIncidents;
            if (result.Value.Grouped < batch)
            {
                return new Outcome(grouped, created);
            }
        }
    }

    private static async Task<Outcome> BatchAsync(TrucelineDb db, TimeProvider time, int batch, CancellationToken ct)
    {
        var reports = await db.Reports.IgnoreQueryFilters()
            .Where(r => r.IncidentId == null && r.Structured && r.EventType != null && r.Latitude != null && r.OccurredOn != null)
            .OrderBy(r => r.Id).Take(batch).ToListAsync(ct);
        if (reports.Count == 0)
        {
            return new Outcome(0, 0);
        }
        var agreementId = await db.Agreements.IgnoreQueryFilters().OrderBy(a => a.CreatedAt).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);
        var now = time.GetUtcNow().UtcDateTime;
        var touched = new Dictionary<Guid, Incident>();
        var created = 0;
        foreach (var report in reports)
        {
            var window = DayWindow(report.TimePrecision);
            var from = report.OccurredOn!.Value.AddDays(-window - 31);
            var to = report.OccurredOn.Value.AddDays(window + 31);
            // Candidates from the database plus those made earlier in this batch (not yet saved).
            var candidates = await db.Incidents.IgnoreQueryFilters()
                // Only incidents still as reported: once under review, findings rest on the reports they had; a new report
                // starts its own incident, which a coordinator may merge.
                .Where(i => i.EventType == report.EventType && i.State == IncidentState.Reported && i.OccurredOn >= from && i.OccurredOn <= to)
                .ToListAsync(ct);
            foreach (var local in touched.Values.Where(i => i.EventType == report.EventType && i.State == IncidentState.Reported && !candidates.Any(c => c.Id == i.Id)))
            {
                candidates.Add(local);
            }
            var projection = new LocalProjection(report.Latitude!.Value);
            var match = candidates
                .Select(i => (Incident: touched.GetValueOrDefault(i.Id) ?? i, Distance: projection.Distance(new Coordinate(report.Longitude!.Value, report.Latitude.Value), [[new Coordinate(i.Longitude, i.Latitude)]]).Meters))
                .Where(c => Matches(report, c.Incident, c.Distance))
                .OrderBy(c => c.Distance)
                .Select(c => c.Incident)
                .FirstOrDefault();
            if (match is null)
            {
                match = new Incident
                {
                    AgreementId = agreementId,
                    State = IncidentState.Reported,
                    OccurredOn = report.OccurredOn.Value,
                    Latitude = report.Latitude.Value,
                    Longitude = report.Longitude!.Value,
                    GeoPrecision = report.GeoPrecision,
                    GovernorateCode = report.GovernorateCode,
                    EventType = report.EventType!,
                    SubEventType = report.SubEventType,
                    Classification = report.Classification,
                    OwnerOrganisationId = report.OwnerOrganisationId,
                    ConfidentialTo = report.ConfidentialTo,
                    CreatedAt = now,
                    UpdatedAt = now,
                };
                db.Incidents.Add(match);
                created++;
            }
            else if (!touched.ContainsKey(match.Id) && db.Entry(match).State == EntityState.Detached)
            {
                db.Incidents.Attach(match);
            }
            touched[match.Id] = match;
            report.IncidentId = match.Id;
        }
        foreach (var incident in touched.Values)
        {
            var members = reports.Where(r => r.IncidentId == incident.Id).ToList();
            var earlier = await db.Reports.IgnoreQueryFilters().AsNoTracking().Where(r => r.IncidentId == incident.Id).ToListAsync(ct);
            IncidentRules.Summarise(incident, earlier.Where(e => members.All(m => m.Id != e.Id)).Concat(members).ToList(), now);
        }
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return new Outcome(reports.Count, created);
    }

    private static bool Matches(Report r, Incident i, double distance)
    {
        // One audience per incident: a report joins only an incident readable by exactly the same readers.
        if (r.Classification != i.Classification
            || (r.Classification == Access.Classification.Confidential && (r.OwnerOrganisationId != i.OwnerOrganisationId || r.ConfidentialTo != i.ConfidentialTo)))
        {
            return false;
        }
        var precision = Math.Max(r.GeoPrecision, i.GeoPrecision);
        if (distance > RadiusMeters(precision) || (precision >= 3 && r.GovernorateCode != i.GovernorateCode))
        {
            return false;
        }
        var days = Math.Abs(r.OccurredOn!.Value.DayNumber - i.OccurredOn.DayNumber);
        return days <= DayWindow(r.TimePrecision);
    }
}
