using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Data;
using Truceline.Geo;
using Truceline.Incidents;
using Truceline.Web.Access;
using Truceline.Web.Incidents;

namespace Truceline.Web.Pages.Reports;

/// <summary>A report as received, and for a raw one (an SMS) the coordinator's form that structures it: the same use
/// case as PUT /api/v1/reports/{id}/structure, with the raw text kept as it came.</summary>
[RequestSizeLimit(OpenRosaApi.MaxSubmissionBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = OpenRosaApi.MaxSubmissionBytes)]
public sealed class ShowModel(TrucelineDb db, PersonalData personalData, ZoneCatalog zones, TimeProvider time) : PageModel
{
    public ReportView? Report { get; private set; }

    public IReadOnlyList<EvidenceView> Evidence { get; private set; } = [];

    public IReadOnlyList<string> EvidenceErrors { get; private set; } = [];

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public bool CanStructure => User.Can(Permission.StructureReports) && Report is { Structured: false };

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostStructureAsync(Guid id, DateOnly? occurredOn, TimeOnly? occurredTime, string? latitude, string? longitude, int? geoPrecision,
        string? placeName, string? eventType, string? allegedParties, int? fatalities, string? description, CancellationToken ct)
    {
        if (!User.Can(Permission.StructureReports))
        {
            return Forbid();
        }
        var (lat, lon, coordinateErrors) = Coordinates.Parse(latitude, longitude);
        var request = new SubmitReport.Request(null, null, null, null, occurredOn, occurredTime, occurredTime is null ? 1 : null,
            coordinateErrors.Any ? null : lat, coordinateErrors.Any ? null : lon, geoPrecision, placeName, eventType, null, description,
            allegedParties?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(), fatalities, null);
        var outcome = coordinateErrors.Any ? coordinateErrors.ToFailure() : await StructureReport.RunAsync(db, zones, id, request, time, ct);
        if (outcome.Succeeded)
        {
            TempData["Notice"] = "The report is structured; it joins an incident within seconds.";
            return Redirect($"/reports/{id}");
        }
        if (outcome.Failure!.Kind == Truceline.Common.FailureKind.NotFound)
        {
            return NotFound();
        }
        Errors = (outcome.Failure.Errors ?? new Dictionary<string, string[]> { [""] = [outcome.Failure.Detail] })
            .SelectMany(e => e.Value.Select(m => string.IsNullOrEmpty(e.Key) ? m : $"{e.Key}: {m}")).ToList();
        Response.StatusCode = outcome.Failure.Kind == Truceline.Common.FailureKind.Conflict ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(id, ct);
        return Page();
    }

    /// <summary>The form's upload: the same use case and limits as POST /api/v1/reports/{id}/evidence.</summary>
    public async Task<IActionResult> OnPostEvidenceAsync(Guid id, List<IFormFile> files, CancellationToken ct)
    {
        if (!User.Can(Permission.SubmitReports))
        {
            return Forbid();
        }
        var attachments = new List<ReceiveOpenRosa.Attachment>();
        var problems = new Truceline.Common.FieldErrors();
        if (files.Count > OpenRosaApi.MaxAttachments)
        {
            // As the API answers it: too large, not invalid.
            EvidenceErrors = [$"files: at most {OpenRosaApi.MaxAttachments} files at a time"];
            Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            await LoadAsync(id, ct);
            return Page();
        }
        foreach (var file in files)
        {
            if (ReceiveOpenRosa.SafeFileName(file.FileName) is not { } name)
            {
                problems.Add("files", "a file has no usable name");
            }
            else if (file.Length > OpenRosaApi.MaxAttachmentBytes)
            {
                problems.Add(name, $"is larger than {OpenRosaApi.MaxAttachmentBytes / 1024 / 1024} MiB");
            }
            else
            {
                using var buffer = new MemoryStream();
                await file.CopyToAsync(buffer, ct);
                attachments.Add(new ReceiveOpenRosa.Attachment(name, OpenRosaApi.ContentTypeOf(file.ContentType), buffer.ToArray()));
            }
        }
        var outcome = problems.Any
            ? problems.ToFailure()
            : await AttachEvidence.RunAsync(db, id, attachments, User.ToViewer().UserId, User.Can(Permission.ReviewIncidents), time, ct);
        if (outcome.Succeeded)
        {
            TempData["Notice"] = outcome.Value!.Stored.Count switch
            {
                0 => "These files were received before; nothing was stored twice.",
                1 => "1 file stored, with its SHA-256.",
                var n => $"{n} files stored, each with its SHA-256.",
            };
            return Redirect($"/reports/{id}");
        }
        if (outcome.Failure!.Kind == Truceline.Common.FailureKind.NotFound)
        {
            return NotFound();
        }
        (EvidenceErrors, Response.StatusCode) = FormFailures.Lines(outcome.Failure);
        await LoadAsync(id, ct);
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var report = await db.Reports.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (report is null)
        {
            return false;
        }
        Report = ReportsApi.View(report, User, personalData, await ReportsApi.ReadableAgreementsAsync(db, ct));
        Evidence = await EvidenceApi.ForReportAsync(db, id, ct);
        return true;
    }
}
