using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.SituationReports;

/// <summary>
/// Writes a situation report: a new draft, or a change to one. Changing a published report is a correction: it needs a
/// note saying what changed and why, and is published at once as a new leaf naming the one it corrects.
/// </summary>
public static class WriteSituationReport
{
    public sealed record Request(string? Agreement, string? Title, DateOnly? PeriodFrom, DateOnly? PeriodTo, string? Language, string? Text,
        IReadOnlyList<long>? Citations, string? Classification, string? CorrectionNote);

    public const int MaxTitle = 200;

    public const int MaxText = 60_000;

    public const int MaxCitations = 200;

    public static readonly IReadOnlyList<string> Languages = ["en", "ar", "he"];

    public static Task<Outcome<SituationReport>> CreateAsync(TrucelineDb db, Request request, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync<SituationReport>(db, async () =>
        {
            var checkedRequest = await CheckAsync(db, request, null, time, ct);
            if (!checkedRequest.Succeeded)
            {
                return checkedRequest.Failure!;
            }
            var (agreementId, classification, citations) = checkedRequest.Value;
            var now = time.GetUtcNow().UtcDateTime;
            var report = new SituationReport
            {
                AgreementId = agreementId,
                Title = request.Title!.Trim(),
                PeriodFrom = request.PeriodFrom!.Value,
                PeriodTo = request.PeriodTo!.Value,
                Language = request.Language!,
                Text = Normalise(request.Text!),
                Citations = citations,
                State = SituationReportState.Draft,
                Classification = classification,
                OwnerOrganisationId = db.Viewer.OrganisationId,
                CreatedBy = db.Viewer.Name,
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.SituationReports.Add(report);
            await db.SaveChangesAsync(ct);
            return report;
        }, ct);

    public static Task<Outcome<SituationReport>> EditAsync(TrucelineDb db, Guid id, Request request, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync<SituationReport>(db, async () =>
        {
            var report = await db.SituationReports.FirstOrDefaultAsync(r => r.Id == id, ct);
            if (report is null)
            {
                return Failure.NotFound($"There is no situation report {id} that you may see.");
            }
            if (report.State == SituationReportState.Withdrawn)
            {
                return Failure.Conflict("Withdrawn", "The report was withdrawn; a withdrawn report is not changed (write a new one).");
            }
            var checkedRequest = await CheckAsync(db, request, report, time, ct);
            if (!checkedRequest.Succeeded)
            {
                return checkedRequest.Failure!;
            }
            var (agreementId, classification, citations) = checkedRequest.Value;
            var now = time.GetUtcNow().UtcDateTime;
            report.AgreementId = agreementId;
            report.Title = request.Title!.Trim();
            report.PeriodFrom = request.PeriodFrom!.Value;
            report.PeriodTo = request.PeriodTo!.Value;
            report.Language = request.Language!;
            report.Text = Normalise(request.Text!);
            report.Citations = citations;
            report.Classification = classification;
            report.UpdatedAt = now;
            if (report.State == SituationReportState.Published)
            {
                report.Version++;
                report.CorrectionNote = request.CorrectionNote!.Trim();
            }
            await db.SaveChangesAsync(ct);
            if (report.State == SituationReportState.Published && await PublishSituationReport.AppendAsync(db, report, "correction", now, ct) is { } refused)
            {
                return refused;
            }
            return report;
        }, ct);

    /// <summary>Line ends as \n, so the same words always make the same leaf.</summary>
    private static string Normalise(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n').Trim();

    private static async Task<Outcome<(Guid Agreement, Classification Classification, List<string> Citations)>> CheckAsync(
        TrucelineDb db, Request request, SituationReport? existing, TimeProvider time, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Guid? agreementId = null;
        if (string.IsNullOrWhiteSpace(request.Agreement))
        {
            errors.Add("agreement", "is required: the agreement's code");
        }
        else
        {
            var code = request.Agreement.Trim();
            agreementId = await db.Agreements.AsNoTracking().Where(a => a.Code == code).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);
            if (agreementId is null)
            {
                errors.Add("agreement", $"there is no agreement '{code}' that you may see");
            }
        }
        if (string.IsNullOrWhiteSpace(request.Title))
        {
            errors.Add("title", "is required");
        }
        else if (request.Title.Trim().Length > MaxTitle || request.Title.Any(char.IsControl))
        {
            errors.Add("title", $"must be one line of at most {MaxTitle} characters");
        }
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (request.PeriodFrom is null)
        {
            errors.Add("periodFrom", "is required (YYYY-MM-DD)");
        }
        if (request.PeriodTo is null)
        {
            errors.Add("periodTo", "is required (YYYY-MM-DD)");
        }
        else if (request.PeriodTo > today)
        {
            errors.Add("periodTo", "cannot be in the future: a report covers what has happened");
        }
        if (request.PeriodFrom is { } from && request.PeriodTo is { } to && from > to)
        {
            errors.Add("periodFrom", "must be on or before periodTo");
        }
        if (request.Language is null || !Languages.Contains(request.Language))
        {
            errors.Add("language", "must be en, ar or he");
        }
        if (string.IsNullOrWhiteSpace(request.Text))
        {
            errors.Add("text", "is required");
        }
        else if (request.Text.Length > MaxText)
        {
            errors.Add("text", $"must be at most {MaxText} characters");
        }
        else if (request.Text.Any(c => char.IsControl(c) && c is not ('\n' or '\r' or '\t')))
        {
            errors.Add("text", "must not contain control characters");
        }
        // Restricted unless said: a draft is for the centre's staff until someone decides it is for everyone.
        var classification = request.Classification switch
        {
            null or "restricted" => (Classification?)Classification.Restricted,
            "public" => Classification.Public,
            "confidential" => Classification.Confidential,
            _ => null,
        };
        if (classification is null)
        {
            errors.Add("classification", "must be public, restricted or confidential");
        }
        if (existing?.State == SituationReportState.Published)
        {
            if (classification is not null and not Classification.Public)
            {
                errors.Add("classification", "a published report stays public: withdraw it instead");
            }
            if (agreementId is { } moved && moved != existing.AgreementId)
            {
                errors.Add("agreement", "a published report stays with its agreement: withdraw it and write a new one");
            }
            if (string.IsNullOrWhiteSpace(request.CorrectionNote))
            {
                errors.Add("correctionNote", "is required to change a published report: say what changed and why; it is published with the correction");
            }
            else if (request.CorrectionNote.Length > 2000)
            {
                errors.Add("correctionNote", "must be at most 2000 characters");
            }
        }
        var citations = new List<string>();
        if (request.Citations is { Count: > 0 } cited)
        {
            if (cited.Count > MaxCitations)
            {
                errors.Add("citations", $"at most {MaxCitations} entries");
            }
            else
            {
                var size = await Transparency.TransparencyLog.SizeAsync(db, ct);
                foreach (var index in cited.Distinct().Order())
                {
                    if (index < 0 || index >= size)
                    {
                        errors.Add("citations", $"entry {index} is not in the log (it holds entries 0 to {size - 1})");
                    }
                    citations.Add(index.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }
        if (errors.Any)
        {
            return errors.ToFailure();
        }
        return (agreementId!.Value, classification!.Value, citations);
    }
}
