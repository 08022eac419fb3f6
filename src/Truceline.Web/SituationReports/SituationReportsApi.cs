using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Truceline.Common;
using Truceline.Data;
using Truceline.SituationReports;
using Truceline.Transparency;
using Truceline.Web.Access;

namespace Truceline.Web.SituationReports;

public sealed record SituationReportView(Guid Id, string Agreement, string Title, DateOnly PeriodFrom, DateOnly PeriodTo, string Language, string Text,
    IReadOnlyList<long> Citations, string State, int Version, string? CorrectionNote, string? WithdrawalReason, DateTime? PublishedAt,
    string Classification, bool Simulated, long? LogEntry, string CreatedBy, DateTime UpdatedAt);

public sealed record WithdrawRequest(string? Reason);

/// <summary>
/// Situation reports over HTTP for the coordination centre (ADR-015). Anyone signed in reads those their classification
/// lets them; the public reads published ones through the log and open data (/api/v1/open/situation-report.json).
/// </summary>
public static class SituationReportsApi
{
    /// <summary>Room for the longest text allowed, in UTF-8, with the rest of the request.</summary>
    public const int MaxBodyBytes = 4 * WriteSituationReport.MaxText + 64 * 1024;

    public static void MapSituationReportsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1/situation-reports").WithTags("Situation reports")
            .RequireAuthorization(p => p.AddAuthenticationSchemes(BearerTokenHandler.SchemeName).RequireAuthenticatedUser());
        var write = Permissions.Policy(Permission.WriteSituationReports);
        var limit = new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxBodyBytes);
        api.MapGet("/", List).WithSummary("The situation reports you may read, newest period first");
        api.MapGet("/{id:guid}", Get).WithSummary("A situation report, with the log entry that publishes it");
        api.MapPost("/", Create).RequireAuthorization(write).WithMetadata(limit).WithSummary("Write a draft (restricted unless said)");
        api.MapPut("/{id:guid}", Edit).RequireAuthorization(write).WithMetadata(limit)
            .WithSummary("Change a report; a published one needs a correctionNote and is published again as a correction");
        api.MapPost("/{id:guid}/publish", Publish).RequireAuthorization(write).WithSummary("Publish a public draft to the transparency log");
        api.MapPost("/{id:guid}/withdraw", Withdraw).RequireAuthorization(write).WithSummary("Withdraw a published report, with a reason that is published");
    }

    public static async Task<Ok<List<SituationReportView>>> List(string? agreement, TrucelineDb db, CancellationToken ct)
    {
        var query = db.SituationReports.AsNoTracking();
        if (!string.IsNullOrEmpty(agreement))
        {
            query = query.Where(r => db.Agreements.Any(a => a.Id == r.AgreementId && a.Code == agreement));
        }
        var reports = await query.OrderByDescending(r => r.PeriodTo).ThenByDescending(r => r.CreatedAt).Take(500).ToListAsync(ct);
        return TypedResults.Ok(await ViewsAsync(db, reports, ct));
    }

    public static async Task<Results<Ok<SituationReportView>, ProblemHttpResult>> Get(Guid id, TrucelineDb db, CancellationToken ct)
    {
        var report = await db.SituationReports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        return report is null
            ? Failure.NotFound($"There is no situation report {id} that you may see.").ToProblem()
            : TypedResults.Ok((await ViewsAsync(db, [report], ct))[0]);
    }

    public static async Task<Results<Created<SituationReportView>, ProblemHttpResult>> Create(WriteSituationReport.Request request, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var created = await WriteSituationReport.CreateAsync(db, request, time, ct);
        return created.Succeeded
            ? TypedResults.Created($"/api/v1/situation-reports/{created.Value!.Id}", (await ViewsAsync(db, [created.Value], ct))[0])
            : created.Failure!.ToProblem();
    }

    public static async Task<Results<Ok<SituationReportView>, ProblemHttpResult>> Edit(Guid id, WriteSituationReport.Request request, TrucelineDb db, TimeProvider time, CancellationToken ct) =>
        await AnswerAsync(db, await WriteSituationReport.EditAsync(db, id, request, time, ct), ct);

    public static async Task<Results<Ok<SituationReportView>, ProblemHttpResult>> Publish(Guid id, TrucelineDb db, TimeProvider time, CancellationToken ct) =>
        await AnswerAsync(db, await PublishSituationReport.PublishAsync(db, id, time, ct), ct);

    public static async Task<Results<Ok<SituationReportView>, ProblemHttpResult>> Withdraw(Guid id, WithdrawRequest request, TrucelineDb db, TimeProvider time, CancellationToken ct) =>
        await AnswerAsync(db, await PublishSituationReport.WithdrawAsync(db, id, request.Reason, time, ct), ct);

    private static async Task<Results<Ok<SituationReportView>, ProblemHttpResult>> AnswerAsync(TrucelineDb db, Outcome<SituationReport> outcome, CancellationToken ct) =>
        outcome.Succeeded ? TypedResults.Ok((await ViewsAsync(db, [outcome.Value!], ct))[0]) : outcome.Failure!.ToProblem();

    /// <summary>Each report with its agreement's code and whether it is simulated, and the latest log entry that publishes it.</summary>
    public static async Task<List<SituationReportView>> ViewsAsync(TrucelineDb db, IReadOnlyList<SituationReport> reports, CancellationToken ct)
    {
        var agreementIds = reports.Select(r => r.AgreementId).Distinct().ToList();
        var agreements = await db.Agreements.IgnoreQueryFilters().AsNoTracking().Where(a => agreementIds.Contains(a.Id))
            .ToDictionaryAsync(a => a.Id, a => (a.Code, a.Simulated), ct);
        var ids = reports.Where(r => r.State != SituationReportState.Draft).Select(r => r.Id.ToString()).ToList();
        var entries = (await db.LogEntries.AsNoTracking().Where(e => e.Kind == Publications.SituationReport && ids.Contains(e.RecordId))
            .Select(e => new { e.RecordId, e.Index }).ToListAsync(ct))
            .GroupBy(e => Guid.Parse(e.RecordId)).ToDictionary(g => g.Key, g => g.Max(e => e.Index));
        return reports.Select(r => new SituationReportView(r.Id, agreements[r.AgreementId].Code, r.Title, r.PeriodFrom, r.PeriodTo, r.Language, r.Text,
            r.Citations.Select(c => long.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToList(), r.State.ToString().ToLowerInvariant(), r.Version,
            r.CorrectionNote, r.WithdrawalReason, r.PublishedAt, r.Classification.ToString().ToLowerInvariant(), agreements[r.AgreementId].Simulated,
            entries.TryGetValue(r.Id, out var entry) ? entry : null, r.CreatedBy, r.UpdatedAt)).ToList();
    }
}
