using Truceline.Access;
using Microsoft.EntityFrameworkCore;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Grievances;

/// <summary>Referral: the handling organisation passes a complaint to the one responsible, with a reason. The new
/// organisation's officers handle it (and alone read the complainant's contact); the referring one keeps following it.</summary>
public static class ReferGrievance
{
    public sealed record Request(string? Organisation, string? Reason);

    public static Task<Outcome<Grievance>> RunAsync(TrucelineDb db, Guid id, Request request, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync<Grievance>(db, async () =>
        {
            var errors = new FieldErrors();
            var reason = GrievanceSteps.Note(request.Reason, "reason", errors, required: true);
            var name = request.Organisation?.Trim();
            var byId = Guid.TryParse(name, out var parsed) ? parsed : (Guid?)null;
            var target = string.IsNullOrEmpty(name) ? null
                : await db.Organisations.IgnoreQueryFilters().AsNoTracking()
                    .Where(o => byId != null ? o.Id == byId : o.Name == name).Select(o => new { o.Id, o.Name }).FirstOrDefaultAsync(ct);
            if (target is null)
            {
                errors.Add("organisation", string.IsNullOrEmpty(name) ? "is required: the organisation responsible" : $"'{name}' is not an organisation");
            }
            if (errors.Any)
            {
                return errors.ToFailure();
            }
            var found = await GrievanceSteps.CaseAsync(db, id, "referred", GrievanceSteps.Open, ct);
            if (found.Failure is { } failure)
            {
                return failure;
            }
            var g = found.Value!;
            if (target!.Id == g.HandlingOrganisationId)
            {
                return Failure.Invalid("organisation", "is the organisation already handling the complaint");
            }
            // No one there to read it would leave the complaint with no reader at all (and no way back).
            var needed = g.Sensitive ? Role.SafeguardingOfficer : Role.GrievanceOfficer;
            if (!await db.Users.IgnoreQueryFilters().AnyAsync(u => u.OrganisationId == target.Id && u.Role == needed && !u.Disabled, ct))
            {
                return Failure.Invalid("organisation", $"'{target.Name}' has no {(g.Sensitive ? "safeguarding officer" : "grievance officer")} to receive the complaint");
            }
            var now = time.GetUtcNow().UtcDateTime;
            var from = g.HandlingOrganisationId;
            g.HandlingOrganisationId = target.Id;
            g.ConfidentialTo = Grievance.Readers(target.Id, g.Sensitive) + Grievance.Readers(from, g.Sensitive);
            g.State = GrievanceState.Referred;
            g.EscalatedAt = null; // escalated again if still past a deadline: now on the new organisation's dashboard
            GrievanceSteps.Record(db, g, now, "referred", reason, from, target.Id);
            // Earlier steps are re-shared with the new readers, so the new organisation reads the whole history.
            await db.GrievanceEvents.Where(e => e.GrievanceId == g.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.ConfidentialTo, g.ConfidentialTo), ct);
            await db.SaveChangesAsync(ct);
            return g;
        }, ct);
}
