using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Incidents;

/// <summary>
/// Moves an incident through reported → under review → verified / not verified / disputed / dismissed.
/// Verified and not verified need the agreement's quorum: findings with that conclusion from that many different
/// verifying organisations (a verifier counts once; one organisation alone never makes a quorum of two).
/// </summary>
public static class ChangeIncidentState
{
    public sealed record Request(IncidentState? State, string? Reason);

    public static bool Allowed(IncidentState from, IncidentState to) => from switch
    {
        IncidentState.Reported => to is IncidentState.UnderReview or IncidentState.Dismissed,
        IncidentState.UnderReview => to is IncidentState.Verified or IncidentState.NotVerified or IncidentState.Disputed or IncidentState.Dismissed,
        IncidentState.Disputed => to is IncidentState.UnderReview,
        IncidentState.Verified or IncidentState.NotVerified or IncidentState.Dismissed => false,
    };

    public static Task<Outcome<IncidentTransition>> RunAsync(TrucelineDb db, Guid incidentId, Request request, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync(db, async () =>
        {
            if (request.State is not { } to)
            {
                return Failure.Invalid("state", "is required: underReview, verified, notVerified, disputed or dismissed");
            }
            if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > 4000)
            {
                return Failure.Invalid("reason", "is required (at most 4000 characters): why the incident changes state");
            }
            var incident = await db.Incidents.FirstOrDefaultAsync(i => i.Id == incidentId, ct);
            if (incident is null)
            {
                return Failure.NotFound($"There is no incident {incidentId} that you may see.");
            }
            if (!Allowed(incident.State, to))
            {
                return Failure.Conflict("Illegal transition", $"An incident that is {Name(incident.State)} cannot become {Name(to)}.");
            }
            if (to is IncidentState.Verified or IncidentState.NotVerified)
            {
                var conclusion = to == IncidentState.Verified ? Conclusion.Verified : Conclusion.NotVerified;
                // At least two: the same organisation never makes a quorum alone, whatever an agreement says.
                var quorum = Math.Max(2, incident.AgreementId is { } a
                    ? await db.Agreements.IgnoreQueryFilters().Where(x => x.Id == a).Select(x => x.VerificationQuorum).FirstAsync(ct)
                    : 2);
                var organisations = await db.Findings.Where(f => f.IncidentId == incidentId && f.Conclusion == conclusion)
                    .Select(f => f.VerifierOrganisationId).Distinct().CountAsync(ct);
                if (organisations < quorum)
                {
                    return Failure.Conflict("Quorum not met",
                        $"{Name(to)} needs findings from {quorum} different verifying organisations; {organisations} found the incident {Name(to)}.");
                }
            }
            var now = time.GetUtcNow().UtcDateTime;
            var transition = new IncidentTransition
            {
                IncidentId = incidentId, FromState = incident.State, ToState = to, Reason = request.Reason.Trim(), RecordedBy = db.Viewer.Name, RecordedAt = now,
            };
            incident.State = to;
            incident.UpdatedAt = now;
            db.IncidentTransitions.Add(transition);
            await db.SaveChangesAsync(ct);
            // A public incident's conclusion is published as it is reached (nothing before one is reached).
            await Transparency.Publications.IncidentAsync(db, incidentId, now, ct);
            return new Outcome<IncidentTransition>(transition, null);
        }, ct);

    public static string Name(IncidentState state) => state switch
    {
        IncidentState.Reported => "reported",
        IncidentState.UnderReview => "under review",
        IncidentState.Verified => "verified",
        IncidentState.NotVerified => "not verified",
        IncidentState.Disputed => "disputed",
        IncidentState.Dismissed => "dismissed",
    };
}
