using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Incidents;

/// <summary>A verifier signs a finding on an incident under review: verified or not, the violation, the provisions it
/// concerns, the responsible party (or "undetermined"), and any dissent. One finding per verifier.</summary>
public static class RecordFinding
{
    public const string Undetermined = "undetermined";

    public sealed record Request(Conclusion? Conclusion, string? Violation, List<string>? Provisions, string? ResponsibleParty, string? Dissent);

    public static Task<Outcome<Finding>> RunAsync(TrucelineDb db, Guid incidentId, Request request, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync(db, async () =>
        {
            var errors = new FieldErrors();
            if (request.Conclusion is null)
            {
                errors.Add("conclusion", "is required: verified or notVerified");
            }
            if (string.IsNullOrWhiteSpace(request.Violation) || request.Violation.Length > 4000)
            {
                errors.Add("violation", "is required (at most 4000 characters): the violation found, or why none was");
            }
            if (string.IsNullOrWhiteSpace(request.ResponsibleParty))
            {
                errors.Add("responsibleParty", $"is required: a party code, or \"{Undetermined}\"");
            }
            if (request.Dissent?.Length > 4000)
            {
                errors.Add("dissent", "must be at most 4000 characters");
            }
            if (errors.Any)
            {
                return errors.ToFailure();
            }
            if (db.Viewer is not { UserId: { } userId, OrganisationId: { } organisationId })
            {
                return new Failure(FailureKind.Forbidden, "Forbidden", "A finding is signed by a verifier's own account.");
            }
            if (db.Viewer.PartyCode is { } party0)
            {
                return new Failure(FailureKind.Forbidden, "Forbidden", $"Your organisation speaks for {party0}: a party's staff do not sign findings.");
            }
            var incident = await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Id == incidentId, ct);
            if (incident is null)
            {
                return Failure.NotFound($"There is no incident {incidentId} that you may see.");
            }
            if (incident.State != IncidentState.UnderReview)
            {
                return Failure.Conflict("Not under review", $"Findings are signed on an incident under review; this one is {ChangeIncidentState.Name(incident.State)}.");
            }
            if (await db.Findings.AnyAsync(f => f.IncidentId == incidentId && f.VerifierUserId == userId, ct))
            {
                return Failure.Conflict("Already signed", "You have already signed a finding on this incident: a verifier counts once.");
            }
            var party = request.ResponsibleParty!.Trim();
            var provisions = request.Provisions?.Select(p => p.Trim()).Where(p => p.Length > 0).Distinct().ToList() ?? [];
            if (incident.AgreementId is { } agreementId)
            {
                var parties = await db.Parties.Where(p => p.AgreementId == agreementId).Select(p => p.Code).ToListAsync(ct);
                if (party != Undetermined && !parties.Contains(party))
                {
                    return Failure.Invalid("responsibleParty", $"'{party}' is not a party to the agreement ({string.Join(", ", parties)}, or {Undetermined})");
                }
                var known = await db.Provisions.IgnoreQueryFilters().Where(p => p.AgreementId == agreementId && provisions.Contains(p.Code)).Select(p => p.Code).ToListAsync(ct);
                if (provisions.Except(known).ToList() is { Count: > 0 } unknown)
                {
                    return Failure.Invalid("provisions", $"not provisions of the agreement: {string.Join(", ", unknown)}");
                }
            }
            var finding = new Finding
            {
                IncidentId = incidentId,
                VerifierUserId = userId,
                VerifierOrganisationId = organisationId,
                VerifierName = db.Viewer.Name,
                Conclusion = request.Conclusion!.Value,
                Violation = request.Violation!.Trim(),
                Provisions = provisions,
                ResponsibleParty = party,
                Dissent = string.IsNullOrWhiteSpace(request.Dissent) ? null : request.Dissent.Trim(),
                SignedAt = time.GetUtcNow().UtcDateTime,
            };
            db.Findings.Add(finding);
            await db.SaveChangesAsync(ct);
            return new Outcome<Finding>(finding, null);
        }, ct);
}
