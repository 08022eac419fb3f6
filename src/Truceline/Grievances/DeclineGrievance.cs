using Microsoft.EntityFrameworkCore;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Grievances;

/// <summary>An organisation a complaint was referred to declines it, with a reason: the case goes back to the
/// organisation that referred it, acknowledged, with its deadlines unchanged.</summary>
public static class DeclineGrievance
{
    public sealed record Request(string? Reason);

    public static Task<Outcome<Grievance>> RunAsync(TrucelineDb db, Guid id, Request request, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync<Grievance>(db, async () =>
        {
            var errors = new FieldErrors();
            var reason = GrievanceSteps.Note(request.Reason, "reason", errors, required: true);
            if (errors.Any)
            {
                return errors.ToFailure();
            }
            var found = await GrievanceSteps.CaseAsync(db, id, "declined", [GrievanceState.Referred], ct);
            if (found.Failure is { } failure)
            {
                return failure;
            }
            var g = found.Value!;
            var referrer = await db.GrievanceEvents.AsNoTracking().Where(e => e.GrievanceId == id && e.Kind == "referred" && e.ToOrganisationId == g.HandlingOrganisationId)
                .OrderByDescending(e => e.At).ThenByDescending(e => e.Id).Select(e => e.FromOrganisationId).FirstOrDefaultAsync(ct);
            if (referrer is not { } back)
            {
                return Failure.Conflict("Not referred", "The complaint reached your organisation first; respond to it, or refer it to the organisation responsible.");
            }
            var now = time.GetUtcNow().UtcDateTime;
            var from = g.HandlingOrganisationId;
            g.HandlingOrganisationId = back;
            g.ConfidentialTo = Grievance.Readers(back, g.Sensitive);
            await db.GrievanceEvents.Where(e => e.GrievanceId == g.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.ConfidentialTo, g.ConfidentialTo), ct);
            g.State = GrievanceState.Acknowledged;
            g.AcknowledgedAt ??= now;
            GrievanceSteps.Record(db, g, now, "declined", reason, from, back);
            await db.SaveChangesAsync(ct);
            return g;
        }, ct);
}
