using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;
using Truceline.Geo;
using Truceline.Incidents;
using Truceline.Web.Access;

namespace Truceline.Web.Incidents;

/// <summary>
/// OpenRosa 1.0 for ODK Collect and KoboCollect: set the app's server URL to https://HOST/api/v1/openrosa, the
/// user name to anything and the password to an API token. Collect appends /formList and /submission itself.
/// </summary>
public static class OpenRosaApi
{
    public const string Prefix = "/api/v1/openrosa";

    /// <summary>The whole multipart body.</summary>
    public const long MaxSubmissionBytes = 25 * 1024 * 1024;

    public const long MaxAttachmentBytes = 10 * 1024 * 1024;

    public const int MaxAttachments = 10;

    /// <summary>What Collect is told it may send: it counts only file bytes, so 1 MiB is left for the multipart framing.</summary>
    public const long AcceptContentLength = MaxSubmissionBytes - 1024 * 1024;

    private const int MaxFieldBytes = 1024;

    private static readonly XNamespace FormList = "http://openrosa.org/xforms/xformsList";

    private static readonly XNamespace Response = "http://openrosa.org/http/response";

    public static void MapOpenRosaApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup(Prefix).WithTags("OpenRosa (ODK Collect)")
            .RequireAuthorization(p => p.AddAuthenticationSchemes(BearerTokenHandler.SchemeName).RequireAuthenticatedUser())
            .RequireAuthorization(Permissions.Policy(Permission.SubmitReports))
            .WithMetadata(BasicChallenge.Instance);
        api.MapGet("/formList", GetFormList).WithSummary("OpenRosa form list: the incident form, its version, MD5 hash and download URL");
        api.MapGet($"/forms/{OpenRosa.FormId}.xml", GetForm).WithSummary("The incident form as an XForm");
        api.MapMethods("/submission", [HttpMethods.Head], Probe)
            .WithSummary("Collect's probe before it submits: 204 with X-OpenRosa-Accept-Content-Length");
        api.MapPost("/submission", Submit)
            .WithSummary("A submission: multipart/form-data, the instance in xml_submission_file, files as further parts; 201, or 202 when already received");
    }

    /// <summary>Every answer under the prefix, refusals included, says which protocol version it speaks.</summary>
    public static IApplicationBuilder UseOpenRosaVersionHeader(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            if (context.Request.Path.StartsWithSegments(Prefix))
            {
                context.Response.OnStarting(() =>
                {
                    context.Response.Headers["X-OpenRosa-Version"] = "1.0";
                    return Task.CompletedTask;
                });
            }
            return next(context);
        });

    public static ContentHttpResult GetFormList(HttpRequest request)
    {
        var downloadUrl = $"{request.Scheme}://{request.Host}{request.PathBase}{Prefix}/forms/{OpenRosa.FormId}.xml";
        var list = new XDocument(new XElement(FormList + "xforms",
            new XElement(FormList + "xform",
                new XElement(FormList + "formID", OpenRosa.FormId),
                new XElement(FormList + "name", OpenRosa.FormTitle),
                new XElement(FormList + "version", OpenRosa.FormVersion),
                new XElement(FormList + "hash", OpenRosa.FormHash),
                new XElement(FormList + "descriptionText", "Report a possible ceasefire incident, with a photo if you have one."),
                new XElement(FormList + "downloadUrl", downloadUrl))));
        return Xml(list, StatusCodes.Status200OK);
    }

    public static FileContentHttpResult GetForm() => TypedResults.File(OpenRosa.FormBytes, "text/xml; charset=utf-8");

    public static NoContent Probe(HttpResponse response)
    {
        response.Headers["X-OpenRosa-Accept-Content-Length"] = AcceptContentLength.ToString(CultureInfo.InvariantCulture);
        return TypedResults.NoContent();
    }

    internal sealed record Parts(byte[]? Xml, List<ReceiveOpenRosa.Attachment> Attachments);

    public static async Task<Results<ContentHttpResult, NoContent, ProblemHttpResult>> Submit(HttpContext http, ClaimsPrincipal user, TrucelineDb db,
        ZoneCatalog zones, PersonalData personalData, TimeProvider time, CancellationToken ct)
    {
        var request = http.Request;
        if (request.ContentLength == 0 || http.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false)
        {
            return Probe(http.Response);
        }
        var (parts, refused) = await ReadMultipartAsync(http, $"Send the submission as multipart/form-data, the instance in a part named {OpenRosa.XmlPart} and each file as a part of its own (as ODK Collect does).", ct);
        if (refused is not null)
        {
            return refused;
        }
        if (parts!.Xml is not { } xml)
        {
            return Failure.Invalid(OpenRosa.XmlPart, "is required: the form instance as XML").ToProblem();
        }
        var instance = OpenRosa.ReadInstance(xml);
        if (!instance.Succeeded)
        {
            return instance.Failure!.ToProblem();
        }
        var viewer = user.ToViewer();
        var outcome = await ReceiveOpenRosa.RunAsync(db, zones, personalData, instance.Value!, parts.Attachments,
            new SubmitReport.Submitter(Channel.OpenRosa, viewer.UserId, viewer.OrganisationId), time, ct);
        if (!outcome.Succeeded)
        {
            return outcome.Failure!.ToProblem();
        }
        var (report, created, stored) = outcome.Value!;
        var files = stored.Count == 1 ? "1 file" : $"{stored.Count} files";
        var message = created
            ? $"Received as report {report.Id}{(report.GovernorateCode is null ? "" : $", placed in {report.GovernorateCode}")}; {files} stored."
            : stored.Count > 0
                ? $"Already received as report {report.Id}; {files} added."
                : $"Already received as report {report.Id}; nothing was stored twice.";
        var answer = new XDocument(new XElement(Response + "OpenRosaResponse", new XElement(Response + "message", new XAttribute("nature", "submit_success"), message)));
        http.Response.Headers.Location = $"/api/v1/reports/{report.Id}";
        return Xml(answer, created || stored.Count > 0 ? StatusCodes.Status201Created : StatusCodes.Status202Accepted);
    }

    /// <summary>
    /// Reads a multipart/form-data body within the submission's limits (OpenRosa's, and the evidence upload's): the
    /// declared length first, then a cut-off for a chunked body, then every part against its own limit.
    /// </summary>
    internal static async Task<(Parts? Parts, ProblemHttpResult? Refused)> ReadMultipartAsync(HttpContext http, string howToSend, CancellationToken ct)
    {
        var request = http.Request;
        if (request.ContentLength > MaxSubmissionBytes)
        {
            return (null, TooLarge("submission", $"The body is {request.ContentLength / 1024 / 1024} MiB; at most {MaxSubmissionBytes / 1024 / 1024} MiB is accepted in one post."));
        }
        // A chunked body is cut off by the server at the same size (a 413 from the exception handler).
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxSubmissionBytes;
        }
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var type) || !type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return (null, TypedResults.Problem(howToSend, statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type"));
        }
        var boundary = HeaderUtilities.RemoveQuotes(type.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 200)
        {
            return (null, TypedResults.Problem("The multipart/form-data content type has no usable boundary.", statusCode: StatusCodes.Status400BadRequest, title: "Bad request"));
        }
        return await ReadPartsAsync(new MultipartReader(boundary, request.Body) { HeadersCountLimit = 16, HeadersLengthLimit = 16 * 1024 }, ct);
    }

    /// <summary>Reads every part, each against its own limit and all against the body's; a problem answer when one is exceeded or malformed.</summary>
    private static async Task<(Parts? Parts, ProblemHttpResult? Refused)> ReadPartsAsync(MultipartReader reader, CancellationToken ct)
    {
        byte[]? xml = null;
        var attachments = new List<ReceiveOpenRosa.Attachment>();
        long total = 0;
        try
        {
            while (await reader.ReadNextSectionAsync(ct) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || HeaderUtilities.RemoveQuotes(disposition.Name).Value is not { Length: > 0 } name)
                {
                    return (null, BadRequest("Each part needs a Content-Disposition header with a name."));
                }
                var sentName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value : HeaderUtilities.RemoveQuotes(disposition.FileName).Value;
                long max;
                if (name == OpenRosa.XmlPart)
                {
                    if (xml is not null)
                    {
                        return (null, Failure.Invalid(OpenRosa.XmlPart, "was sent twice").ToProblem());
                    }
                    max = OpenRosa.MaxInstanceBytes;
                }
                else if (!string.IsNullOrEmpty(sentName))
                {
                    if (attachments.Count == MaxAttachments)
                    {
                        return (null, TooLarge("attachments", $"At most {MaxAttachments} attachments are accepted in one submission."));
                    }
                    max = MaxAttachmentBytes;
                }
                else
                {
                    // A plain field such as Collect's "*isIncomplete*": read and set aside.
                    max = MaxFieldBytes;
                }
                var bytes = await ReadAtMostAsync(section.Body, max, ct);
                if (bytes is null)
                {
                    return (null, name == OpenRosa.XmlPart
                        ? TooLarge(OpenRosa.XmlPart, $"The form instance must be at most {OpenRosa.MaxInstanceBytes / 1024} KiB.")
                        : !string.IsNullOrEmpty(sentName)
                            ? TooLarge(name, $"Each attachment must be at most {MaxAttachmentBytes / 1024 / 1024} MiB; {sentName} is larger.")
                            : TooLarge(name, $"A form field must be at most {MaxFieldBytes} bytes."));
                }
                total += bytes.Length;
                if (total > MaxSubmissionBytes)
                {
                    return (null, TooLarge("submission", $"At most {MaxSubmissionBytes / 1024 / 1024} MiB is accepted in one post."));
                }
                if (name == OpenRosa.XmlPart)
                {
                    xml = bytes;
                }
                else if (!string.IsNullOrEmpty(sentName))
                {
                    if (ReceiveOpenRosa.SafeFileName(sentName) is not { } fileName)
                    {
                        return (null, Failure.Invalid(name, "has no usable file name").ToProblem());
                    }
                    attachments.Add(new ReceiveOpenRosa.Attachment(fileName, ContentTypeOf(section.ContentType), bytes));
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException && e is not BadHttpRequestException)
        {
            // A truncated body, a missing closing boundary, headers over their limits.
            return (null, BadRequest($"The multipart body is malformed: {e.Message}"));
        }
        return (new Parts(xml, attachments), null);
    }

    private static async Task<byte[]?> ReadAtMostAsync(Stream stream, long max, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > max)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>A file's content type as sent, if it is one (lower case, at most 100 characters); otherwise octet-stream.</summary>
    internal static string ContentTypeOf(string? sent) =>
        MediaTypeHeaderValue.TryParse(sent, out var type) && type.MediaType.Length is > 2 and <= 100 ? type.MediaType.Value!.ToLowerInvariant() : "application/octet-stream";

    private static ProblemHttpResult TooLarge(string field, string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large",
            extensions: new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { [field] = [detail] } });

    private static ProblemHttpResult BadRequest(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "Bad request");

    private static ContentHttpResult Xml(XDocument document, int status)
    {
        using var writer = new Utf8StringWriter();
        document.Save(writer, SaveOptions.None);
        return TypedResults.Text(writer.ToString(), "text/xml; charset=utf-8", Encoding.UTF8, status);
    }

    private sealed class Utf8StringWriter : StringWriter
    {
        public Utf8StringWriter() : base(CultureInfo.InvariantCulture)
        {
        }

        public override Encoding Encoding => Encoding.UTF8;
    }
}
