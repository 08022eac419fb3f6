using Microsoft.EntityFrameworkCore;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Incidents;

/// <summary>
/// Adds files to a report outside OpenRosa (the API's multipart upload, the report page's form). A file already
/// received under the same name with the same bytes is not stored twice, so a retried upload is harmless; the same
/// name with other bytes is refused, since the first file's hash is what was recorded and shown.
/// </summary>
public static class AttachEvidence
{
    public sealed record Result(Report Report, IReadOnlyList<Evidence> Stored, IReadOnlyList<Evidence> AlreadyThere);

    /// <param name="mayAttachToAny">Whether the uploader may add files to any report they can read (the coordination
    /// centre and verifiers); otherwise only to the reports they submitted.</param>
    public static Task<Outcome<Result>> RunAsync(TrucelineDb db, Guid reportId, IReadOnlyList<ReceiveOpenRosa.Attachment> files, Guid? uploader,
        bool mayAttachToAny, TimeProvider time, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (files.Count == 0)
        {
            errors.Add("file", "is required: send at least one file");
        }
        foreach (var duplicate in files.GroupBy(a => a.FileName, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            errors.Add(duplicate.Key, "was sent twice in one upload");
        }
        foreach (var empty in files.Where(f => f.Content.Length == 0))
        {
            errors.Add(empty.FileName, "is empty");
        }
        if (errors.Any)
        {
            return Task.FromResult<Outcome<Result>>(errors.ToFailure());
        }
        return Writes.InTransactionAsync<Result>(db, async () =>
        {
            var report = await db.Reports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == reportId, ct);
            if (report is null)
            {
                return Failure.NotFound($"There is no report {reportId} that you may see.");
            }
            if (!mayAttachToAny && (uploader is null || report.SubmittedByUserId != uploader))
            {
                return new Failure(FailureKind.Forbidden, "Forbidden", "Only the report's submitter, the coordination centre or a verifier may add files to it.");
            }
            var stored = await StoreAsync(db, report, files, uploader, time.GetUtcNow().UtcDateTime, "this report", ct);
            return stored.Succeeded ? new Result(report, stored.Value!.Stored, stored.Value.AlreadyThere) : stored.Failure!;
        }, ct);
    }

    /// <summary>In the caller's transaction: stores the files the report does not have yet, skips those it has with the
    /// same bytes, and refuses (storing nothing) a name it has with other bytes.</summary>
    internal static async Task<Outcome<(List<Evidence> Stored, List<Evidence> AlreadyThere)>> StoreAsync(TrucelineDb db, Report report,
        IReadOnlyList<ReceiveOpenRosa.Attachment> files, Guid? uploader, DateTime now, string where, CancellationToken ct)
    {
        // Whoever uploads: files already received are found even when the reader's filter would hide them.
        // Without their bytes, which are not needed to compare hashes.
        var received = await db.Evidence.IgnoreQueryFilters().AsNoTracking().Where(e => e.ReportId == report.Id)
            .Select(e => new Evidence
            {
                Id = e.Id, ReportId = e.ReportId, FileName = e.FileName, ContentType = e.ContentType, Size = e.Size, Sha256 = e.Sha256,
                Content = Array.Empty<byte>(), UploadedAt = e.UploadedAt,
            }).ToListAsync(ct);
        var stored = new List<Evidence>();
        var already = new List<Evidence>();
        foreach (var file in files)
        {
            var hash = Evidence.Hash(file.Content);
            if (received.FirstOrDefault(r => r.FileName == file.FileName) is { } earlier)
            {
                if (earlier.Sha256 != hash)
                {
                    return Failure.Conflict("Different file", $"A different file named {file.FileName} was already received with {where}; nothing was stored.");
                }
                already.Add(earlier);
                continue;
            }
            var evidence = Evidence.ForReport(report, file.FileName, file.ContentType, file.Content, uploader, now);
            db.Evidence.Add(evidence);
            stored.Add(evidence);
        }
        if (stored.Count > 0)
        {
            await db.SaveChangesAsync(ct);
        }
        return (stored, already);
    }
}
