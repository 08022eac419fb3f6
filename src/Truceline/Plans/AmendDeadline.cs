using Microsoft.EntityFrameworkCore;
using Truceline.Common;
using Truceline.Data;
using Truceline.Plans.Sequencing;

namespace Truceline.Plans;

/// <summary>Moves a provision's deadline, keeping the old date and the reason ("amended timelines"), and
/// reports the knock-on effect on the provisions that wait for it.</summary>
public static class AmendDeadline
{
    public sealed record Request(DateOnly? Deadline, string? Reason);

    public sealed record Result(DeadlineAmendment Amendment, IReadOnlyList<KnockOn> KnockOn);

    public static Task<Outcome<Result>> RunAsync(TrucelineDb db, Guid provisionId, Request request, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync(db, () => DecideAsync(db, provisionId, request, time, ct), ct);

    private static async Task<Outcome<Result>> DecideAsync(TrucelineDb db, Guid provisionId, Request request, TimeProvider time, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (request.Deadline is null)
        {
            errors.Add("deadline", "is required (YYYY-MM-DD)");
        }
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            errors.Add("reason", "is required: why the timeline was amended");
        }
        else if (request.Reason.Length > 4000)
        {
            errors.Add("reason", "must be at most 4000 characters");
        }
        if (errors.Any)
        {
            return errors.ToFailure();
        }
        var provision = await db.Provisions.FirstOrDefaultAsync(p => p.Id == provisionId, ct);
        if (provision is null)
        {
            return Failure.NotFound($"There is no provision {provisionId} that you may see.");
        }
        if (provision.Deadline == request.Deadline)
        {
            return Failure.Conflict("Deadline unchanged", $"{provision.Code} already has the deadline {request.Deadline:yyyy-MM-dd}.");
        }
        var amendment = new DeadlineAmendment
        {
            ProvisionId = provision.Id,
            Ordinal = await db.DeadlineAmendments.Where(a => a.ProvisionId == provisionId).CountAsync(ct),
            FromDeadline = provision.Deadline,
            ToDeadline = request.Deadline!.Value,
            AmendedOn = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime),
            Reason = request.Reason!.Trim(),
            RecordedBy = db.Viewer.Name,
            RecordedAt = time.GetUtcNow().UtcDateTime,
        };
        provision.Deadline = amendment.ToDeadline;
        db.DeadlineAmendments.Add(amendment);
        await db.SaveChangesAsync(ct);

        // The knock-on is judged against the deadlines now in force (the amended one included): a later deadline
        // means the plan expects the provision no earlier than that date, and its dependents move with it.
        var snapshot = (await PlanSnapshot.LoadAsync(db, provision.AgreementId.ToString(), time, ct))!;
        var knockOn = snapshot.Graph.Analyse(snapshot.Today).KnockOn(new Dictionary<Guid, DateOnly> { [provision.Id] = amendment.ToDeadline });
        return new Result(amendment, knockOn);
    }
}
