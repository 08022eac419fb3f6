using Truceline.Access;
using Truceline.Common;
using Truceline.Data;
using Truceline.Geo;

namespace Truceline.Incidents;

/// <summary>
/// Reports sent together: a field device emptying its queue after a day offline, or a partner's system forwarding its
/// feed. All are checked first, each as <see cref="SubmitReport"/> checks one; then they are stored in one
/// transaction, all or none, and acknowledged only after it commits. Each report's client id makes it idempotent, so a
/// batch sent again after a lost answer stores nothing twice: its reports come back as the first ones.
/// </summary>
public static class SubmitReports
{
    /// <summary>As many reports as one transaction takes without holding the writer long (about 30 ms here).</summary>
    public const int MaxBatch = 1000;

    public sealed record Request(List<SubmitReport.Request?>? Reports);

    public static async Task<Outcome<IReadOnlyList<SubmitReport.Result>>> RunAsync(TrucelineDb db, ZoneCatalog zones, PersonalData personalData,
        Request request, SubmitReport.Submitter submitter, TimeProvider time, ReportIntake intake, CancellationToken ct = default)
    {
        if (request.Reports is not { Count: > 0 and <= MaxBatch } items)
        {
            return Failure.Invalid("reports", $"send from 1 to {MaxBatch} reports (you sent {request.Reports?.Count ?? 0}); send more in further requests");
        }
        // As one report through the intake writer: placed against the zones as last loaded, the writer placing again
        // (in its transaction) any report placed with zones changed since.
        await zones.LoadedAsync(db, ct);
        var version = zones.Version ?? "";
        var today = SubmitReport.LatestToday(time);
        var now = time.GetUtcNow().UtcDateTime;
        var errors = new FieldErrors();
        var agreements = await SubmitReport.AgreementsAsync(db, items.OfType<SubmitReport.Request>(), ct);
        var reports = new List<Report>(items.Count);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not { } item)
            {
                errors.Add($"reports[{i}]", "is null; each report is an object");
                continue;
            }
            // Every problem of every report in one answer: each well-formed report is placed, even after a bad one.
            var before = errors.Fields;
            SubmitReport.Validate(item, today, errors, $"reports[{i}].");
            agreements.Check(item, errors, $"reports[{i}].");
            if (errors.Fields == before)
            {
                var report = SubmitReport.Build(db, personalData, item, submitter, now, agreements);
                if (SubmitReport.Place(report, zones).Failure is { } outside)
                {
                    AddAt(errors, i, outside);
                }
                reports.Add(report);
            }
        }
        if (errors.Any)
        {
            return errors.ToFailure();
        }
        var answers = await intake.StoreAllAsync(db, reports, version);
        // Refused as a whole, naming every report refused: a client id another account used (409, which outranks the
        // rest), or a place outside the area once the writer placed it again against zones changed meanwhile.
        var conflicts = new List<string>();
        for (var i = 0; i < answers.Count; i++)
        {
            if (answers[i].Failure is { } refused)
            {
                AddAt(errors, i, refused.Kind == FailureKind.Invalid ? refused : Failure.Invalid("clientId", refused.Detail));
                if (refused.Kind == FailureKind.Conflict)
                {
                    conflicts.Add($"reports[{i}]: {refused.Detail}");
                }
            }
        }
        if (conflicts.Count > 0)
        {
            return new Failure(FailureKind.Conflict, "Client id in use", string.Join(" ", conflicts), errors.ToFailure().Errors);
        }
        return errors.Any ? errors.ToFailure() : answers.Select(a => a.Value!).ToList();
    }

    /// <summary>A report's field errors under its place in the batch ("reports[3].latitude").</summary>
    private static void AddAt(FieldErrors errors, int index, Failure failure)
    {
        foreach (var (field, messages) in failure.Errors ?? new Dictionary<string, string[]> { [""] = [failure.Detail] })
        {
            foreach (var message in messages)
            {
                errors.Add(field.Length == 0 ? $"reports[{index}]" : $"reports[{index}].{field}", message);
            }
        }
    }
}
