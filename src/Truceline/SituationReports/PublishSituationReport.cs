using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.SituationReports;

/// <summary>
/// Publishes a situation report to the transparency log, or withdraws one. A withdrawal is itself published (a
/// correction saying the report is withdrawn and why): the words stay in the log, as everything published does.
/// </summary>
public static class PublishSituationReport
{
    public static Task<Outcome<SituationReport>> PublishAsync(TrucelineDb db, Guid id, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync<SituationReport>(db, async () =>
        {
            var report = await db.SituationReports.FirstOrDefaultAsync(r => r.Id == id, ct);
            if (report is null)
            {
                return Failure.NotFound($"There is no situation report {id} that you may see.");
            }
            if (report.State != SituationReportState.Draft)
            {
                return Failure.Conflict("Already published", $"The report is {report.State.ToString().ToLowerInvariant()}; only a draft is published. Edit it to publish a correction.");
            }
            if (report.Classification != Classification.Public)
            {
                return Failure.Conflict("Not public", $"The report is {report.Classification.ToString().ToLowerInvariant()}: make it public before publishing it to everyone.");
            }
            var agreement = await db.Agreements.IgnoreQueryFilters().AsNoTracking().FirstAsync(a => a.Id == report.AgreementId, ct);
            if (agreement.Classification != Classification.Public)
            {
                return Failure.Conflict("Agreement not public", $"The agreement {agreement.Code} is not public, so nothing about it is published.");
            }
            var now = time.GetUtcNow().UtcDateTime;
            report.State = SituationReportState.Published;
            report.Version = 1;
            report.PublishedAt = now;
            report.UpdatedAt = now;
            await db.SaveChangesAsync(ct);
            return await AppendAsync(db, report, "report", now, ct) ?? (Outcome<SituationReport>)report;
        }, ct);

    public static Task<Outcome<SituationReport>> WithdrawAsync(TrucelineDb db, Guid id, string? reason, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync<SituationReport>(db, async () =>
        {
            var report = await db.SituationReports.FirstOrDefaultAsync(r => r.Id == id, ct);
            if (report is null)
            {
                return Failure.NotFound($"There is no situation report {id} that you may see.");
            }
            if (string.IsNullOrWhiteSpace(reason))
            {
                return Failure.Invalid("reason", "is required: why the report is withdrawn; it is published");
            }
            if (reason.Length > 2000)
            {
                return Failure.Invalid("reason", "must be at most 2000 characters");
            }
            if (report.State != SituationReportState.Published)
            {
                return Failure.Conflict("Not published", $"The report is {report.State.ToString().ToLowerInvariant()}; only a published report is withdrawn.");
            }
            var now = time.GetUtcNow().UtcDateTime;
            report.State = SituationReportState.Withdrawn;
            report.WithdrawalReason = reason.Trim();
            // The last correction's note was published with it; the withdrawal says only why.
            report.CorrectionNote = null;
            report.Version++;
            report.UpdatedAt = now;
            await db.SaveChangesAsync(ct);
            return await AppendAsync(db, report, "withdrawal", now, ct) ?? (Outcome<SituationReport>)report;
        }, ct);

    /// <summary>
    /// Appends the report as it now stands to the log, in the caller's transaction. Nothing the log would not show may
    /// change a published report: when it is not publishable (the report or its agreement is no longer public), the
    /// failure returned makes the caller's transaction roll back.
    /// </summary>
    internal static async Task<Failure?> AppendAsync(TrucelineDb db, SituationReport report, string what, DateTime now, CancellationToken ct) =>
        await Transparency.Publications.SituationReportAsync(db, report.Id, now, ct) is null
            ? Failure.Conflict("Not publishable", $"The {what} could not be published: the report or its agreement is no longer public. Nothing was changed.")
            : null;
}
