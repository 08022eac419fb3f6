using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Data;
using Truceline.Geo;
using Truceline.Incidents;
using Truceline.Web.Access;
using Truceline.Web.Geo;

namespace Truceline.Web.Pages.Reports;

/// <summary>The web channel: the same report as the API, from a plain form. The form carries its own client id, so a
/// double submission (a second click, a resent form) is one report.</summary>
public sealed class NewModel(TrucelineDb db, ZoneCatalog zones, PersonalData personalData, ReportIntake intake, TimeProvider time) : PageModel
{
    public SubmitReport.Request Input { get; private set; } = new(null, SourceType.MonitorPatrol, null, null, null, null, 1, null, null, 1, null, null, null, null, null, null, null);

    public IReadOnlyList<string> Errors { get; private set; } = [];

    public string ClientId { get; private set; } = $"web-{Guid.NewGuid():N}";

    public string ZonesJson { get; private set; } = "{}";

    /// <summary>The agreements the user may read, by code and title: a choice is offered only when there are several.</summary>
    public IReadOnlyList<(string Code, string Title)> Agreements { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!User.Can(Permission.SubmitReports))
        {
            return Forbid();
        }
        Input = Input with { OccurredOn = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime) };
        await LoadZonesAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? clientId, SourceType? sourceType, string? sourceIdentity, string? source, DateOnly? occurredOn, TimeOnly? occurredTime,
        int? timePrecision, string? latitude, string? longitude, int? geoPrecision, string? placeName, string? eventType, string? subEventType, string? allegedParties,
        int? fatalities, string? description, string? agreement, CancellationToken ct)
    {
        if (!User.Can(Permission.SubmitReports))
        {
            return Forbid();
        }
        var (lat, lon, coordinateErrors) = Coordinates.Parse(latitude, longitude);
        Input = new SubmitReport.Request(clientId, sourceType, sourceIdentity, source, occurredOn, occurredTime, timePrecision,
            coordinateErrors.Any ? null : lat, coordinateErrors.Any ? null : lon, geoPrecision, placeName, eventType, subEventType, description,
            allegedParties?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList(), fatalities, null,
            string.IsNullOrWhiteSpace(agreement) ? null : agreement);
        ClientId = string.IsNullOrWhiteSpace(clientId) ? ClientId : clientId;
        var viewer = User.ToViewer();
        var outcome = coordinateErrors.Any
            ? coordinateErrors.ToFailure()
            : await SubmitReport.RunAsync(db, zones, personalData, Input, new SubmitReport.Submitter(Channel.Web, viewer.UserId, viewer.OrganisationId), time, ct, intake);
        if (outcome.Succeeded)
        {
            TempData["Notice"] = outcome.Value!.Created ? "Your report is filed." : "This report was already filed.";
            return Redirect($"/reports/{outcome.Value.Report.Id}");
        }
        Errors = (outcome.Failure!.Errors ?? new Dictionary<string, string[]> { [""] = [outcome.Failure.Detail] })
            .SelectMany(e => e.Value.Select(m => string.IsNullOrEmpty(e.Key) ? m : $"{e.Key}: {m}")).ToList();
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadZonesAsync(ct);
        return Page();
    }

    private async Task LoadZonesAsync(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var visible = (await db.Zones.AsNoTracking().Where(z => z.Kind == ZoneKind.Governorate || z.Kind == ZoneKind.Line).ToListAsync(ct)).Where(z => z.InForceOn(today));
        ZonesJson = System.Text.Encoding.UTF8.GetString(ZonesApi.FeatureCollection(visible)).Replace("</", "<\\/", StringComparison.Ordinal);
        Agreements = await Pages.SituationReports.SituationReportForm.AgreementsAsync(db, ct);
    }
}
