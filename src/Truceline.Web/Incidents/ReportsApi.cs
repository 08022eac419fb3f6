using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;
using Truceline.Geo;
using Truceline.Incidents;
using Truceline.Web.Access;

namespace Truceline.Web.Incidents;

public sealed record ReportView(
    Guid Id, string Channel, string? ClientId, DateTime ReceivedAt, string SourceType, string? Source, string? SourceIdentity, Guid? SubmittedBy,
    bool Structured, DateOnly? OccurredOn, DateTime? OccurredAt, int TimePrecision, double? Latitude, double? Longitude, int GeoPrecision,
    string? PlaceName, string? EventType, string? SubEventType, string? Description, IReadOnlyList<string> AllegedParties, int? Fatalities,
    string? RawText, string? Governorate, PlaceClassification? Place, Guid? IncidentId, string Classification, Guid? AgreementId);

public sealed record ReportPage(IReadOnlyList<ReportView> Items, string? Next);

/// <summary>What became of one report of a batch, in the order sent: created, or the first one with its client id.</summary>
public sealed record ReportReceipt(Guid Id, string? ClientId, bool Created, string? Governorate);

public sealed record ReportBatchAnswer(int Created, int AlreadyStored, IReadOnlyList<ReportReceipt> Items);

public static class ReportsApi
{
    private static readonly JsonSerializerOptions PlaceJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void MapReportsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1").WithTags("Incident reports")
            .RequireAuthorization(p => p.AddAuthenticationSchemes(BearerTokenHandler.SchemeName).RequireAuthenticatedUser());
        api.MapPost("/reports", PostReport).RequireAuthorization(Permissions.Policy(Permission.SubmitReports))
            .WithSummary("Submit a report; a retry with the same clientId returns the first report (200) and stores nothing");
        api.MapPost("/reports/batch", PostReports).RequireAuthorization(Permissions.Policy(Permission.SubmitReports))
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxBatchBytes))
            .WithSummary($"Submit up to {SubmitReports.MaxBatch} reports at once ({{\"reports\": [...]}}): all stored in one transaction, or none if any is refused");
        api.MapGet("/reports/{id:guid}", GetReport).WithSummary("A report you may see; the source's identity only for coordinators and verifiers");
        api.MapGet("/reports", ListReports).WithSummary("Reports you may see, newest first, by keyset pages (?cursor=)");
        api.MapPut("/reports/{id:guid}/structure", PutStructure).RequireAuthorization(Permissions.Policy(Permission.StructureReports))
            .WithSummary("Structure a raw report (an SMS): date, place, type; placed against the zones like any report");
        api.MapPost("/sms/inbound", PostSms).RequireAuthorization(Permissions.Policy(Permission.SubmitReports)).DisableAntiforgery()
            .WithSummary("Inbound SMS webhook (form fields from, body, message_id, time, or the gateway's own names); a redelivery is one report");
    }

    private static readonly IReadOnlySet<Guid> NoAgreements = new HashSet<Guid>();

    /// <summary>The agreements the reader may read: a report names its agreement only to those.</summary>
    public static async Task<IReadOnlySet<Guid>> ReadableAgreementsAsync(TrucelineDb db, CancellationToken ct) =>
        (await db.Agreements.AsNoTracking().Select(a => a.Id).ToListAsync(ct)).ToHashSet();

    /// <summary>Who a source is, only for the roles that may know it; the agreement, only for those who may read it.</summary>
    public static ReportView View(Report r, ClaimsPrincipal user, PersonalData personalData, IReadOnlySet<Guid> readableAgreements)
    {
        var mayKnowSource = user.Can(Permission.ReadSourceIdentity);
        return new ReportView(r.Id, r.Channel.Lower(), r.ClientId, r.ReceivedAt, JsonNamingPolicy.CamelCase.ConvertName(r.SourceType.ToString()), r.Source,
            mayKnowSource ? personalData.Unprotect(r.SourceIdentity) : null, mayKnowSource ? r.SubmittedByUserId : null,
            r.Structured, r.OccurredOn, r.OccurredAt, r.TimePrecision, r.Latitude, r.Longitude, r.GeoPrecision, r.PlaceName, r.EventType, r.SubEventType,
            r.Description, r.AllegedParties, r.Fatalities, r.RawText, r.GovernorateCode,
            r.Place is null ? null : JsonSerializer.Deserialize<PlaceClassification>(r.Place, PlaceJson), r.IncidentId, r.Classification.Lower(),
            r.AgreementId is { } agreement && readableAgreements.Contains(agreement) ? agreement : null);
    }

    private static string Lower(this Enum value) => value.ToString().ToLowerInvariant();

    public static async Task<Results<Created<ReportView>, Ok<ReportView>, ProblemHttpResult>> PostReport(
        SubmitReport.Request body, ClaimsPrincipal user, TrucelineDb db, ZoneCatalog zones, PersonalData personalData, ReportIntake intake, TimeProvider time, CancellationToken ct)
    {
        var viewer = user.ToViewer();
        var outcome = await SubmitReport.RunAsync(db, zones, personalData, body, new SubmitReport.Submitter(Channel.Api, viewer.UserId, viewer.OrganisationId), time, ct, intake);
        if (!outcome.Succeeded)
        {
            return outcome.Failure!.ToProblem();
        }
        var (report, created) = (outcome.Value!.Report, outcome.Value.Created);
        // Most reports name no agreement: no query for them on intake's path.
        var view = View(report, user, personalData, report.AgreementId is null ? NoAgreements : await ReadableAgreementsAsync(db, ct));
        return created ? TypedResults.Created($"/api/v1/reports/{report.Id}", view) : TypedResults.Ok(view);
    }

    /// <summary>A thousand reports of ordinary length take about 0.5 MiB; a batch of long descriptions is sent in parts.</summary>
    public const int MaxBatchBytes = 16 * 1024 * 1024;

    public static async Task<Results<Ok<ReportBatchAnswer>, ProblemHttpResult>> PostReports(
        SubmitReports.Request body, ClaimsPrincipal user, TrucelineDb db, ZoneCatalog zones, PersonalData personalData, ReportIntake intake, TimeProvider time, CancellationToken ct)
    {
        var viewer = user.ToViewer();
        var outcome = await SubmitReports.RunAsync(db, zones, personalData, body, new SubmitReport.Submitter(Channel.Api, viewer.UserId, viewer.OrganisationId), time, intake, ct);
        if (!outcome.Succeeded)
        {
            return outcome.Failure!.ToProblem();
        }
        var items = outcome.Value!.Select(r => new ReportReceipt(r.Report.Id, r.Report.ClientId, r.Created, r.Report.GovernorateCode)).ToList();
        var created = items.Count(i => i.Created);
        return TypedResults.Ok(new ReportBatchAnswer(created, items.Count - created, items));
    }

    public static async Task<Results<Ok<ReportView>, ProblemHttpResult>> GetReport(Guid id, ClaimsPrincipal user, TrucelineDb db, PersonalData personalData, CancellationToken ct) =>
        await db.Reports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct) is { } report
            ? TypedResults.Ok(View(report, user, personalData, await ReadableAgreementsAsync(db, ct)))
            : TypedResults.Problem($"There is no report {id} that you may see.", statusCode: 404, title: "Not found");

    public sealed record SmsAnswer(Guid Id, bool Duplicate);

    /// <summary>The message a gateway posts (form-encoded or multipart, at most 64 KiB, UTF-8), or the problem with the post.</summary>
    public static async Task<(ReceiveSms.Message? Message, ProblemHttpResult? Problem)> ReadSmsAsync(HttpRequest request, CancellationToken ct)
    {
        Func<string, string?> field;
        if (request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            var body = await TextInput.ReadBytesAsync(request.Body, 64 * 1024, "body", ct);
            var fields = body.Succeeded ? FormDecoder.Decode(body.Value!) : body.Failure!;
            if (!fields.Succeeded)
            {
                return (null, fields.Failure!.ToProblem());
            }
            field = name => fields.Value!.GetValueOrDefault(name);
        }
        else if (request.HasFormContentType)
        {
            if (request.ContentLength > 64 * 1024)
            {
                return (null, TypedResults.Problem("An SMS form post may be at most 64 KiB.", statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large"));
            }
            IFormCollection form;
            try
            {
                var reader = new Microsoft.AspNetCore.Http.Features.FormFeature(request, new Microsoft.AspNetCore.Http.Features.FormOptions
                {
                    MultipartBodyLengthLimit = 64 * 1024, ValueLengthLimit = 16 * 1024, ValueCountLimit = 64,
                });
                form = await reader.ReadFormAsync(ct);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
            {
                return (null, TypedResults.Problem($"The multipart form could not be read: {e.Message}", statusCode: StatusCodes.Status400BadRequest, title: "Bad request"));
            }
            // Multipart parts are decoded by ASP.NET; invalid UTF-8 shows as U+FFFD.
            if (form.Any(kv => kv.Value.ToString().Contains('\uFFFD', StringComparison.Ordinal)))
            {
                return (null, Failure.Invalid("body", "arrived with a broken encoding (not UTF-8); nothing was stored").ToProblem());
            }
            field = name => form.TryGetValue(name, out var v) ? v.ToString() : null;
        }
        else
        {
            return (null, TypedResults.Problem("Send the message as form fields (application/x-www-form-urlencoded or multipart/form-data).", statusCode: 415, title: "Unsupported media type"));
        }
        return (ReceiveSms.FromForm(field), null);
    }

    public static async Task<Results<Ok<SmsAnswer>, ProblemHttpResult>> PostSms(HttpRequest request, ClaimsPrincipal user, TrucelineDb db, PersonalData personalData,
        TimeProvider time, CancellationToken ct)
    {
        var (message, problem) = await ReadSmsAsync(request, ct);
        if (problem is not null)
        {
            return problem;
        }
        var viewer = user.ToViewer();
        var outcome = await ReceiveSms.RunAsync(db, personalData, message!, new SubmitReport.Submitter(Channel.Sms, viewer.UserId, viewer.OrganisationId), time, ct);
        return outcome.Succeeded ? TypedResults.Ok(new SmsAnswer(outcome.Value!.Report.Id, !outcome.Value.Created)) : outcome.Failure!.ToProblem();
    }

    public static async Task<Results<Ok<ReportView>, ProblemHttpResult>> PutStructure(Guid id, SubmitReport.Request body, ClaimsPrincipal user, TrucelineDb db,
        ZoneCatalog zones, PersonalData personalData, TimeProvider time, CancellationToken ct)
    {
        var outcome = await StructureReport.RunAsync(db, zones, id, body, time, ct);
        return outcome.Succeeded ? TypedResults.Ok(View(outcome.Value!, user, personalData, await ReadableAgreementsAsync(db, ct))) : outcome.Failure!.ToProblem();
    }

    /// <summary>Newest first. Ids are UUIDv7 (time-ordered), so the cursor is the last id seen: no OFFSET, stable under inserts.</summary>
    public static async Task<Results<Ok<ReportPage>, ProblemHttpResult>> ListReports(
        string? cursor, int? limit, string? governorate, string? eventType, DateOnly? from, DateOnly? to,
        ClaimsPrincipal user, TrucelineDb db, PersonalData personalData, CancellationToken ct)
    {
        var errors = new FieldErrors();
        Guid? after = null;
        if (cursor is not null)
        {
            if (Guid.TryParse(cursor, out var c))
            {
                after = c;
            }
            else
            {
                errors.Add("cursor", "is not a cursor this API gave out");
            }
        }
        if (limit is < 1 or > 500)
        {
            errors.Add("limit", "must be between 1 and 500");
        }
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem();
        }
        var size = limit ?? 100;
        var query = db.Reports.AsNoTracking();
        if (after is { } a)
        {
            query = query.Where(r => r.Id.CompareTo(a) < 0);
        }
        if (governorate is not null)
        {
            query = query.Where(r => r.GovernorateCode == governorate);
        }
        if (eventType is not null)
        {
            query = query.Where(r => r.EventType == eventType);
        }
        if (from is not null)
        {
            query = query.Where(r => r.OccurredOn >= from);
        }
        if (to is not null)
        {
            query = query.Where(r => r.OccurredOn <= to);
        }
        var items = await query.OrderByDescending(r => r.Id).Take(size + 1).ToListAsync(ct);
        var next = items.Count > size ? items[size - 1].Id.ToString() : null;
        var readable = await ReadableAgreementsAsync(db, ct);
        return TypedResults.Ok(new ReportPage(items.Take(size).Select(r => View(r, user, personalData, readable)).ToList(), next));
    }
}
