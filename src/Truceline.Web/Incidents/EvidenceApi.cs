using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Truceline.Data;
using Truceline.Web.Access;

namespace Truceline.Web.Incidents;

public sealed record EvidenceView(Guid Id, string FileName, string ContentType, long Size, string Sha256, DateTime UploadedAt)
{
    /// <summary>A stored file's description, without its bytes: as a query's projection, or for files in memory.</summary>
    public static readonly System.Linq.Expressions.Expression<Func<Truceline.Incidents.Evidence, EvidenceView>> Of =
        e => new EvidenceView(e.Id, e.FileName, e.ContentType, e.Size, e.Sha256, e.UploadedAt);

    private static readonly Func<Truceline.Incidents.Evidence, EvidenceView> OfCompiled = Of.Compile();

    public static EvidenceView From(Truceline.Incidents.Evidence e) => OfCompiled(e);
}

/// <summary>Evidence files, as readable as the report they came with. The SHA-256 recorded at upload is shown in the list
/// and sent with the file (Digest), so whoever holds a copy can check that it was not altered.</summary>
public static class EvidenceApi
{
    public static void MapEvidenceApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1").WithTags("Evidence")
            .RequireAuthorization(p => p.AddAuthenticationSchemes(BearerTokenHandler.SchemeName).RequireAuthenticatedUser());
        api.MapGet("/reports/{id:guid}/evidence", ListForReport).WithSummary("The files of a report you may see, each with the SHA-256 recorded at upload");
        api.MapGet("/evidence/{id:guid}", GetFile).WithSummary("One file, with its recorded SHA-256 in the Digest header");
        api.MapPost("/reports/{id:guid}/evidence", PostFiles).RequireAuthorization(Permissions.Policy(Permission.SubmitReports))
            .WithSummary($"Add files to a report (multipart/form-data, each file a part; at most {OpenRosaApi.MaxAttachments} of {OpenRosaApi.MaxAttachmentBytes / 1024 / 1024} MiB, {OpenRosaApi.MaxSubmissionBytes / 1024 / 1024} MiB in all): by its submitter, the coordination centre or a verifier. A file sent again is not stored twice");
    }

    /// <summary>Adds the files; 201 with every file of the upload (each with the SHA-256 recorded), or 200 when all were there already.</summary>
    public static async Task<Results<Created<List<EvidenceView>>, Ok<List<EvidenceView>>, ProblemHttpResult>> PostFiles(Guid id, HttpContext http, ClaimsPrincipal user,
        TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var (parts, refused) = await OpenRosaApi.ReadMultipartAsync(http, "Send the files as multipart/form-data, each file a part with a file name.", ct);
        if (refused is not null)
        {
            return refused;
        }
        var added = await Truceline.Incidents.AttachEvidence.RunAsync(db, id, parts!.Attachments, user.ToViewer().UserId, user.Can(Permission.ReviewIncidents), time, ct);
        if (!added.Succeeded)
        {
            return added.Failure!.ToProblem();
        }
        var files = added.Value!.Stored.Concat(added.Value.AlreadyThere).Select(EvidenceView.From).ToList();
        return added.Value.Stored.Count > 0 ? TypedResults.Created($"/api/v1/reports/{id}/evidence", files) : TypedResults.Ok(files);
    }

    public static async Task<Results<Ok<List<EvidenceView>>, ProblemHttpResult>> ListForReport(Guid id, TrucelineDb db, CancellationToken ct)
    {
        if (!await db.Reports.AnyAsync(r => r.Id == id, ct))
        {
            return TypedResults.Problem($"There is no report {id} that you may see.", statusCode: 404, title: "Not found");
        }
        return TypedResults.Ok(await ForReportAsync(db, id, ct));
    }

    /// <summary>A report's files the reader may see, oldest first (the API's list and the report page).</summary>
    public static Task<List<EvidenceView>> ForReportAsync(TrucelineDb db, Guid reportId, CancellationToken ct) =>
        db.Evidence.AsNoTracking().Where(e => e.ReportId == reportId).OrderBy(e => e.Id).Select(EvidenceView.Of).ToListAsync(ct);

    public sealed record EvidenceFile(string FileName, string ContentType, string Sha256, byte[] Content);

    /// <summary>A file as the reader may see it, with the download headers set (used by the API and the pages).</summary>
    public static async Task<EvidenceFile?> LoadAsync(Guid id, HttpResponse response, TrucelineDb db, CancellationToken ct)
    {
        var file = await db.Evidence.AsNoTracking().Where(e => e.Id == id)
            .Select(e => new EvidenceFile(e.FileName, e.ContentType, e.Sha256, e.Content)).FirstOrDefaultAsync(ct);
        if (file is null)
        {
            return null;
        }
        // The hash recorded at upload, not one computed now: a file altered in the database no longer matches it.
        var digest = Convert.ToBase64String(Convert.FromHexString(file.Sha256));
        response.Headers["Digest"] = $"sha-256={digest}";
        response.Headers["Repr-Digest"] = $"sha-256=:{digest}:";
        // Sent as a download and never sniffed: a file from the field is not a page of this site.
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.ContentSecurityPolicy = "sandbox";
        return file;
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetFile(Guid id, HttpResponse response, TrucelineDb db, CancellationToken ct) =>
        await LoadAsync(id, response, db, ct) is { } file
            ? TypedResults.File(file.Content, file.ContentType, file.FileName)
            : TypedResults.Problem($"There is no evidence file {id} that you may see.", statusCode: 404, title: "Not found");
}
