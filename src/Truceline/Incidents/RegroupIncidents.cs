using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Incidents;

/// <summary>
/// A coordinator's correction of the automatic grouping: merge one incident into another, or split reports out into
/// a new incident. Every move is audited (the reports' incident changes, the emptied incident is dismissed with the
/// reason), and automatic grouping never undoes it: it only groups reports that have no incident.
/// </summary>
public static class RegroupIncidents
{
    public sealed record MergeRequest(Guid? Into, string? Reason);

    public sealed record SplitRequest(List<Guid>? Reports, string? Reason);

    public static Task<Outcome<Incident>> MergeAsync(TrucelineDb db, Guid incidentId, MergeRequest request, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync(db, async () =>
        {
            if (request.Into is not { } into || into == incidentId)
            {
                return Failure.Invalid("into", "is required: the incident to merge this one into (another one)");
            }
            if (string.IsNullOrWhiteSpace(request.Reason))
            {
                return Failure.Invalid("reason", "is required: why these are one event");
            }
            var source = await db.Incidents.FirstOrDefaultAsync(i => i.Id == incidentId, ct);
            var target = await db.Incidents.FirstOrDefaultAsync(i => i.Id == into, ct);
            if (source is null || target is null)
            {
                return Failure.NotFound($"There is no incident {(source is null ? incidentId : into)} that you may see.");
            }
            if (source.State is not (IncidentState.Reported or IncidentState.UnderReview) || target.State is not (IncidentState.Reported or IncidentState.UnderReview))
            {
                return Failure.Conflict("Cannot merge", "Only incidents still reported or under review can be merged; a decided incident keeps its reports.");
            }
            if (await db.Findings.AnyAsync(f => f.IncidentId == source.Id || f.IncidentId == target.Id, ct))
            {
                return Failure.Conflict("Cannot merge", "An incident with signed findings keeps its reports: the findings rest on them.");
            }
            if (source.Classification != target.Classification || source.OwnerOrganisationId != target.OwnerOrganisationId || source.ConfidentialTo != target.ConfidentialTo)
            {
                return Failure.Conflict("Cannot merge", "The incidents have different readers; merging would show one's reports to the other's readers.");
            }
            var now = time.GetUtcNow().UtcDateTime;
            var moved = await db.Reports.IgnoreQueryFilters().Where(r => r.IncidentId == source.Id).ToListAsync(ct);
            foreach (var r in moved)
            {
                r.IncidentId = target.Id;
            }
            var all = await db.Reports.IgnoreQueryFilters().AsNoTracking().Where(r => r.IncidentId == target.Id).ToListAsync(ct);
            IncidentRules.Summarise(target, all.Where(r => moved.All(m => m.Id != r.Id)).Concat(moved).ToList(), now);
            Close(db, source, $"Merged into {target.Id}: {request.Reason.Trim()}", now);
            source.ReportCount = 0;
            source.SourceCount = 0;
            source.Tally = null;
            await db.SaveChangesAsync(ct);
            // A public incident closed by a merge is published as dismissed, like any other conclusion.
            await Transparency.Publications.IncidentAsync(db, source.Id, now, ct);
            return new Outcome<Incident>(target, null);
        }, ct);

    public static Task<Outcome<Incident>> SplitAsync(TrucelineDb db, Guid incidentId, SplitRequest request, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync(db, async () =>
        {
            if (request.Reports is not { Count: > 0 } ids)
            {
                return Failure.Invalid("reports", "is required: the reports that are another event");
            }
            if (string.IsNullOrWhiteSpace(request.Reason))
            {
                return Failure.Invalid("reason", "is required: why these reports are another event");
            }
            var incident = await db.Incidents.FirstOrDefaultAsync(i => i.Id == incidentId, ct);
            if (incident is null)
            {
                return Failure.NotFound($"There is no incident {incidentId} that you may see.");
            }
            if (incident.State is not (IncidentState.Reported or IncidentState.UnderReview))
            {
                return Failure.Conflict("Cannot split", "Only an incident still reported or under review can be split.");
            }
            if (await db.Findings.AnyAsync(f => f.IncidentId == incidentId, ct))
            {
                return Failure.Conflict("Cannot split", "An incident with signed findings keeps its reports: the findings rest on them.");
            }
            var reports = await db.Reports.IgnoreQueryFilters().Where(r => r.IncidentId == incidentId).ToListAsync(ct);
            var moving = reports.Where(r => ids.Contains(r.Id)).ToList();
            if (moving.Count != ids.Distinct().Count())
            {
                return Failure.Invalid("reports", "every report split out must belong to this incident");
            }
            if (moving.Count == reports.Count)
            {
                return Failure.Invalid("reports", "at least one report must stay in the incident");
            }
            var now = time.GetUtcNow().UtcDateTime;
            var split = new Incident
            {
                AgreementId = incident.AgreementId,
                Classification = incident.Classification,
                OwnerOrganisationId = incident.OwnerOrganisationId,
                ConfidentialTo = incident.ConfidentialTo,
                State = IncidentState.Reported,
                EventType = moving[0].EventType ?? incident.EventType,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Incidents.Add(split);
            foreach (var r in moving)
            {
                r.IncidentId = split.Id;
            }
            IncidentRules.Summarise(split, moving, now);
            IncidentRules.Summarise(incident, reports.Except(moving).ToList(), now);
            db.IncidentTransitions.Add(new IncidentTransition
            {
                IncidentId = split.Id, FromState = IncidentState.Reported, ToState = IncidentState.Reported,
                Reason = $"Split out of {incident.Id}: {request.Reason.Trim()}", RecordedBy = db.Viewer.Name, RecordedAt = now,
            });
            await db.SaveChangesAsync(ct);
            return new Outcome<Incident>(split, null);
        }, ct);

    private static void Close(TrucelineDb db, Incident incident, string reason, DateTime now)
    {
        db.IncidentTransitions.Add(new IncidentTransition
        {
            IncidentId = incident.Id, FromState = incident.State, ToState = IncidentState.Dismissed, Reason = reason, RecordedBy = db.Viewer.Name, RecordedAt = now,
        });
        incident.State = IncidentState.Dismissed;
        incident.UpdatedAt = now;
    }
}
