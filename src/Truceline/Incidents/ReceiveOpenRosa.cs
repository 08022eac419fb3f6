using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;
using Truceline.Geo;

namespace Truceline.Incidents;

/// <summary>
/// Stores an OpenRosa submission: the report and its files in one transaction, or nothing. The instanceID is the
/// report's client id, so a resubmission (ODK Collect retries when it never saw the answer) stores nothing twice.
/// Collect splits a submission larger than the server accepts into several posts with the same instanceID, so a
/// resubmission from the same account may bring files not received yet: those are added, the others skipped.
/// </summary>
public static class ReceiveOpenRosa
{
    public const int MaxFileNameLength = 255;

    public sealed record Attachment(string FileName, string ContentType, byte[] Content);

    public sealed record Result(Report Report, bool ReportCreated, IReadOnlyList<Evidence> Stored);

    public static async Task<Outcome<Result>> RunAsync(TrucelineDb db, ZoneCatalog zones, PersonalData personalData, OpenRosa.Instance instance,
        IReadOnlyList<Attachment> attachments, SubmitReport.Submitter submitter, TimeProvider time, CancellationToken ct = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var names = new FieldErrors();
        foreach (var duplicate in attachments.GroupBy(a => a.FileName, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            names.Add(duplicate.Key, "was sent twice in one submission");
        }
        if (names.Any)
        {
            return names.ToFailure();
        }
        var request = OpenRosa.ToRequest(instance, DateOnly.FromDateTime(now));
        return await Writes.InTransactionAsync(db, async () =>
        {
            // Whoever reads: the first submission is found even when the reader's filter would hide it.
            var report = await db.Reports.IgnoreQueryFilters().AsNoTracking()
                .FirstOrDefaultAsync(r => r.Channel == Channel.OpenRosa && r.ClientId == instance.InstanceId, ct);
            var created = false;
            if (report is null)
            {
                if (!request.Succeeded)
                {
                    return request.Failure!;
                }
                var submitted = await SubmitReport.RunAsync(db, zones, personalData, request.Value!, submitter with { Channel = Channel.OpenRosa }, time, ct);
                if (!submitted.Succeeded)
                {
                    return OpenRosa.InFormTerms(submitted.Failure!);
                }
                (report, created) = (submitted.Value!.Report, submitted.Value.Created);
            }
            else if (report.SubmittedByUserId != submitter.UserId)
            {
                return Failure.Conflict("Already received",
                    $"A submission with instanceID {instance.InstanceId} was received from another account; nothing was stored.");
            }
            var stored = await AttachEvidence.StoreAsync(db, report, attachments, submitter.UserId, now, $"instanceID {instance.InstanceId}", ct);
            if (!stored.Succeeded)
            {
                return stored.Failure!;
            }
            return new Outcome<Result>(new Result(report, created, stored.Value.Stored), null);
        }, ct);
    }

    /// <summary>The name a file is kept under: its last path segment, without control characters; null when nothing usable is left.</summary>
    public static string? SafeFileName(string? sent)
    {
        if (string.IsNullOrWhiteSpace(sent))
        {
            return null;
        }
        var name = sent[(sent.LastIndexOfAny(['/', '\\']) + 1)..].Trim();
        return name.Length is 0 or > MaxFileNameLength || name is "." or ".." || name.Any(char.IsControl) ? null : name;
    }
}
