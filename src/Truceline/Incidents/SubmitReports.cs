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
        var agreements = await SubmitReport.AgreementsAsync(db, items.OfType<SubmitReport.Request>(), ct);
        // Each report checked on its own, so every problem of every report is in one answer, and so a report that fails
        // can still turn out to be a retry of one stored before.
        var problems = new FieldErrors?[items.Count];
        var reports = new Report?[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var own = new FieldErrors();
            if (items[i] is not { } item)
            {
                own.Add($"reports[{i}]", "is null; each report is an object");
            }
            else
            {
                reports[i] = SubmitReport.Prepare(db, zones, personalData, item, submitter, now, today, agreements, own, $"reports[{i}].");
            }
            problems[i] = own.Any ? own : null;
        }
        // A report sent again after a lost answer is the first one, even if it would not pass the checks now (the zones
        // moved, the agreement was withdrawn): looked up only for the reports that fail, so a new batch costs no query.
        var earlier = problems.Any(p => p is not null)
            ? await SubmitReport.FirstOfAsync(db, submitter, items.Select((item, i) => problems[i] is null ? null : item?.ClientId), ct)
            : [];
        var errors = new FieldErrors();
        var retried = new Report?[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            if (problems[i] is null)
            {
                continue;
            }
            if (items[i]?.ClientId?.Trim() is { } id && earlier.TryGetValue(id, out var first))
            {
                retried[i] = first;
                continue;
            }
            foreach (var (field, message) in problems[i]!.All)
            {
                errors.Add(field, message);
            }
        }
        if (errors.Any)
        {
            return errors.ToFailure();
        }
        var fresh = Enumerable.Range(0, items.Count).Where(i => retried[i] is null).ToList();
        var answers = fresh.Count == 0 ? [] : await intake.StoreAllAsync(db, fresh.Select(i => reports[i]!).ToList(), version);
        // Refused as a whole, naming every report refused: a client id another account used (409, which outranks the
        // rest), or a place outside the area once the writer placed it again against zones changed meanwhile.
        var conflicts = new List<string>();
        for (var k = 0; k < answers.Count; k++)
        {
            if (answers[k].Failure is { } refused)
            {
                var i = fresh[k];
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
        if (errors.Any)
        {
            return errors.ToFailure();
        }
        // In the order sent: the retries recognised above, the rest as the writer answered them.
        var results = new SubmitReport.Result[items.Count];
        for (var k = 0; k < fresh.Count; k++)
        {
            results[fresh[k]] = answers[k].Value!;
        }
        for (var i = 0; i < items.Count; i++)
        {
            results[i] ??= new SubmitReport.Result(retried[i]!, Created: false);
        }
        return results;
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
