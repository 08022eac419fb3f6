using Microsoft.EntityFrameworkCore;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Plans;

/// <summary>Records a provision's new implementation status with the evidence for it.</summary>
public static class ChangeStatus
{
    public sealed record Request(int? Status, string? Evidence, string? Source, DateOnly? EffectiveOn);

    public static Task<Outcome<StatusChange>> RunAsync(TrucelineDb db, Guid provisionId, Request request, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync(db, () => DecideAsync(db, provisionId, request, time, ct), ct);

    private static async Task<Outcome<StatusChange>> DecideAsync(TrucelineDb db, Guid provisionId, Request request, TimeProvider time, CancellationToken ct = default)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var errors = new FieldErrors();
        if (request.Status is not { } status || !ImplementationStatus.IsValid(status))
        {
            errors.Add("status", "must be 0 (not initiated), 1 (minimal), 2 (intermediate) or 3 (full)");
        }
        if (string.IsNullOrWhiteSpace(request.Evidence))
        {
            errors.Add("evidence", "is required: what shows the provision is at this status");
        }
        else if (request.Evidence.Length > 4000)
        {
            errors.Add("evidence", "must be at most 4000 characters");
        }
        if (request.Source?.Length > 2000)
        {
            errors.Add("source", "must be at most 2000 characters");
        }
        if (request.EffectiveOn > today)
        {
            errors.Add("effectiveOn", "cannot be in the future");
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
        if (provision.Status == request.Status)
        {
            return Failure.Conflict("Status unchanged", $"{provision.Code} is already at status {provision.Status} ({ImplementationStatus.Label(provision.Status)}).");
        }
        var ordinal = await db.StatusChanges.Where(s => s.ProvisionId == provisionId).CountAsync(ct);
        var change = new StatusChange
        {
            ProvisionId = provision.Id,
            Ordinal = ordinal,
            FromStatus = provision.Status,
            ToStatus = request.Status!.Value,
            EffectiveOn = request.EffectiveOn ?? today,
            Evidence = request.Evidence!.Trim(),
            SourceRef = string.IsNullOrWhiteSpace(request.Source) ? null : request.Source.Trim(),
            RecordedBy = db.Viewer.Name,
            RecordedAt = time.GetUtcNow().UtcDateTime,
        };
        provision.Status = change.ToStatus;
        db.StatusChanges.Add(change);
        await db.SaveChangesAsync(ct);
        // Published in the same transaction: a public change is in the log exactly when it is recorded.
        await Transparency.Publications.ProvisionStatusAsync(db, change, change.RecordedAt, ct);
        return change;
    }
}
