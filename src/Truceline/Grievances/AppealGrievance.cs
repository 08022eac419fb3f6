using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Grievances;

/// <summary>An appeal against the answer: the case reopens with a new deadline to answer, counted from the appeal.
/// The complainant appeals with the tracking code; the reason is theirs, so it is kept encrypted.</summary>
public static class AppealGrievance
{
    public static Task<Outcome<TrackGrievance.View>> ByComplainantAsync(TrucelineDb db, PersonalData personalData, string? code, string? reason,
        TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync<TrackGrievance.View>(db, async () =>
        {
            var text = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();
            if (text is null || text.Length > GrievanceSteps.MaxNote)
            {
                return Failure.Invalid("reason", $"is required: why the answer does not resolve the complaint (at most {GrievanceSteps.MaxNote} characters)");
            }
            var g = await TrackGrievance.FindAsync(db, personalData, code, ct);
            if (g is null)
            {
                return Failure.NotFound("No complaint has this tracking code.");
            }
            if (g.State is not (GrievanceState.Responded or GrievanceState.Closed))
            {
                return Failure.Conflict("Not answered yet", "An answer can be appealed once it has been given.");
            }
            var now = time.GetUtcNow().UtcDateTime;
            var (_, respond) = await SubmitGrievance.DeadlinesAsync(db, g.AgreementId, g.Severity, ct);
            g.State = GrievanceState.Appealed;
            g.RespondBy = now.AddHours(respond);
            g.EscalatedAt = null;
            GrievanceSteps.Record(db, g, now, "appealed", personalData.Protect(text));
            await db.SaveChangesAsync(ct);
            return TrackGrievance.ToView(g, SubmitGrievance.NormaliseCode(code)!);
        }, ct);
}
