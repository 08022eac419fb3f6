using Microsoft.EntityFrameworkCore;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Plans;

/// <summary>Adds a dated value to a metric's time series, and lets a verifier change its verification state.</summary>
public static class RecordObservation
{
    public sealed record Request(DateOnly? ObservedOn, double? Value, string? Source, VerificationState? Verification);

    public static Task<Outcome<Observation>> RunAsync(TrucelineDb db, Guid metricId, Request request, bool mayVerify, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync(db, () => DecideAsync(db, metricId, request, mayVerify, time, ct), ct);

    private static async Task<Outcome<Observation>> DecideAsync(TrucelineDb db, Guid metricId, Request request, bool mayVerify, TimeProvider time, CancellationToken ct = default)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var errors = new FieldErrors();
        if (request.ObservedOn is null)
        {
            errors.Add("observedOn", "is required (YYYY-MM-DD)");
        }
        else if (request.ObservedOn > today)
        {
            errors.Add("observedOn", "cannot be in the future");
        }
        if (request.Value is not { } value || !double.IsFinite(value))
        {
            errors.Add("value", "is required and must be a finite number");
        }
        if (string.IsNullOrWhiteSpace(request.Source))
        {
            errors.Add("source", "is required: where the figure comes from");
        }
        else if (request.Source.Length > 2000)
        {
            errors.Add("source", "must be at most 2000 characters");
        }
        if (errors.Any)
        {
            return errors.ToFailure();
        }
        var verification = request.Verification ?? VerificationState.Unverified;
        if (verification != VerificationState.Unverified && !mayVerify)
        {
            return new Failure(FailureKind.Forbidden, "Forbidden", "Only a verifier may record an observation as verified or disputed.");
        }
        var metric = await db.Metrics.AsNoTracking().FirstOrDefaultAsync(m => m.Id == metricId, ct);
        if (metric is null)
        {
            return Failure.NotFound($"There is no metric {metricId} that you may see.");
        }
        var observation = new Observation
        {
            MetricId = metric.Id,
            ProvisionId = metric.ProvisionId,
            Ordinal = await db.Observations.IgnoreQueryFilters().Where(o => o.MetricId == metricId).CountAsync(ct),
            ObservedOn = request.ObservedOn!.Value,
            Value = request.Value!.Value,
            Source = request.Source!.Trim(),
            Verification = verification,
            RecordedBy = db.Viewer.Name,
            RecordedAt = time.GetUtcNow().UtcDateTime,
            Classification = metric.Classification,
            OwnerOrganisationId = metric.OwnerOrganisationId,
            ConfidentialTo = metric.ConfidentialTo,
        };
        db.Observations.Add(observation);
        await db.SaveChangesAsync(ct);
        await Transparency.Publications.MetricObservationAsync(db, observation.Id, observation.RecordedAt, ct);
        return observation;
    }

    public static Task<Outcome<Observation>> VerifyAsync(TrucelineDb db, Guid observationId, VerificationState? state, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync(db, () => DecideVerificationAsync(db, observationId, state, time, ct), ct);

    private static async Task<Outcome<Observation>> DecideVerificationAsync(TrucelineDb db, Guid observationId, VerificationState? state, TimeProvider time, CancellationToken ct = default)
    {
        if (state is null)
        {
            return Failure.Invalid("verification", "is required: unverified, verified or disputed");
        }
        var observation = await db.Observations.FirstOrDefaultAsync(o => o.Id == observationId, ct);
        if (observation is null)
        {
            return Failure.NotFound($"There is no observation {observationId} that you may see.");
        }
        if (observation.Verification == state)
        {
            return Failure.Conflict("Verification unchanged", $"The observation is already {state.Value.ToString().ToLowerInvariant()}.");
        }
        observation.Verification = state.Value;
        await db.SaveChangesAsync(ct);
        // A new verification state is a correction of what was published, not a rewrite.
        await Transparency.Publications.MetricObservationAsync(db, observation.Id, time.GetUtcNow().UtcDateTime, ct);
        return observation;
    }
}
