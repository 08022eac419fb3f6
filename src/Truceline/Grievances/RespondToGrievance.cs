using Truceline.Common;
using Truceline.Data;

namespace Truceline.Grievances;

/// <summary>The answer to the complainant, which they read with their tracking code (and receive by SMS when the
/// complaint came by SMS). It is written for them: the form says not to put anyone's personal details in it.</summary>
public static class RespondToGrievance
{
    public sealed record Request(string? Response);

    public static Task<Outcome<Grievance>> RunAsync(TrucelineDb db, Guid id, Request request, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync<Grievance>(db, async () =>
        {
            var errors = new FieldErrors();
            var response = GrievanceSteps.Note(request.Response, "response", errors, required: true);
            if (errors.Any)
            {
                return errors.ToFailure();
            }
            var found = await GrievanceSteps.CaseAsync(db, id, "answered", [GrievanceState.Received, GrievanceState.Acknowledged, GrievanceState.Referred, GrievanceState.Appealed], ct);
            if (found.Failure is { } failure)
            {
                return failure;
            }
            var g = found.Value!;
            var now = time.GetUtcNow().UtcDateTime;
            g.Response = response;
            g.State = GrievanceState.Responded;
            g.AcknowledgedAt ??= now;
            g.RespondedAt = now;
            GrievanceSteps.Record(db, g, now, "responded", null);
            await db.SaveChangesAsync(ct);
            return g;
        }, ct);
}
