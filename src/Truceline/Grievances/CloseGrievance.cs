using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Grievances;

/// <summary>Closure with the complainant's feedback: by the complainant with the tracking code, or by an officer who
/// took the feedback by phone.</summary>
public static class CloseGrievance
{
    public sealed record Request(bool? Satisfied, string? Comment);

    /// <summary>An officer records the feedback taken by phone; the comment is the complainant's words, so it is kept encrypted.</summary>
    public static Task<Outcome<Grievance>> RunAsync(TrucelineDb db, PersonalData personalData, Guid id, Request request, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync<Grievance>(db, async () =>
        {
            if (request.Satisfied is null)
            {
                return Failure.Invalid("satisfied", "is required: whether the complainant is satisfied with the answer (true or false)");
            }
            var errors = new FieldErrors();
            var comment = GrievanceSteps.Note(request.Comment, "comment", errors, required: false);
            if (errors.Any)
            {
                return errors.ToFailure();
            }
            var found = await GrievanceSteps.CaseAsync(db, id, "closed", [GrievanceState.Responded], ct);
            if (found.Failure is { } failure)
            {
                return failure;
            }
            var g = found.Value!;
            Close(db, g, request.Satisfied.Value, personalData.Protect(comment), time);
            await db.SaveChangesAsync(ct);
            return g;
        }, ct);

    /// <summary>The complainant closes their own case from the tracking page; their comment is kept encrypted.</summary>
    public static Task<Outcome<TrackGrievance.View>> ByComplainantAsync(TrucelineDb db, PersonalData personalData, string? code, bool satisfied, string? comment,
        TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync<TrackGrievance.View>(db, async () =>
        {
            if (comment is { Length: > GrievanceSteps.MaxNote })
            {
                return Failure.Invalid("comment", $"is at most {GrievanceSteps.MaxNote} characters");
            }
            var g = await TrackGrievance.FindAsync(db, personalData, code, ct);
            if (g is null)
            {
                return Failure.NotFound("No complaint has this tracking code.");
            }
            if (g.State != GrievanceState.Responded)
            {
                return Failure.Conflict("Not answered yet", "A complaint can be closed once it has been answered.");
            }
            Close(db, g, satisfied, personalData.Protect(string.IsNullOrWhiteSpace(comment) ? null : comment.Trim()), time);
            await db.SaveChangesAsync(ct);
            return TrackGrievance.ToView(g, SubmitGrievance.NormaliseCode(code)!);
        }, ct);

    private static void Close(TrucelineDb db, Grievance g, bool satisfied, string? note, TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        g.State = GrievanceState.Closed;
        g.ClosedAt = now;
        g.Satisfied = satisfied;
        GrievanceSteps.Record(db, g, now, "closed", note ?? (satisfied ? "satisfied" : "not satisfied"));
    }
}
