using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;
using Truceline.Geo;

namespace Truceline.Incidents;

/// <summary>A coordinator turns a raw report (an SMS) into a structured one: the same checks and placing as any
/// report; the raw text and the source stay as they arrived.</summary>
public static class StructureReport
{
    public static Task<Outcome<Report>> RunAsync(TrucelineDb db, ZoneCatalog zones, Guid id, SubmitReport.Request request, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync(db, async () =>
        {
            var report = await db.Reports.FirstOrDefaultAsync(r => r.Id == id, ct);
            if (report is null)
            {
                return Failure.NotFound($"There is no report {id} that you may see.");
            }
            if (report.Structured)
            {
                return Failure.Conflict("Already structured", "This report is already structured; it cannot be structured again.");
            }
            // The source was recorded by the channel; the structuring request supplies everything else.
            var errors = SubmitReport.Validate(request with { SourceType = report.SourceType }, SubmitReport.LatestToday(time));
            var agreements = await SubmitReport.AgreementsAsync(db, [request], ct);
            agreements.Check(request, errors, "");
            if (errors.Any)
            {
                return errors.ToFailure();
            }
            await zones.CurrentAsync(db, ct);
            var place = zones.Classify(request.Longitude!.Value, request.Latitude!.Value, request.OccurredOn!.Value, Viewer.Anonymous);
            if (place.OutsideArea)
            {
                return Failure.Invalid("latitude", $"the location is {place.MetersOutsideGovernorates / 1000:0.0} km outside the governorates in force on {request.OccurredOn:yyyy-MM-dd}");
            }
            report.Structured = true;
            report.OccurredOn = request.OccurredOn;
            report.OccurredAt = request.OccurredTime is { } t ? request.OccurredOn!.Value.ToDateTime(t, DateTimeKind.Utc) : null;
            report.TimePrecision = request.TimePrecision ?? 1;
            report.Latitude = request.Latitude;
            report.Longitude = request.Longitude;
            report.GeoPrecision = request.GeoPrecision ?? 2;
            report.PlaceName = request.PlaceName?.Trim();
            report.EventType = request.EventType?.Trim();
            report.SubEventType = request.SubEventType?.Trim();
            report.Description = request.Description?.Trim();
            report.AllegedParties = request.AllegedParties?.Select(p => p.Trim()).Where(p => p.Length > 0).Distinct().ToList() ?? [];
            report.Fatalities = request.Fatalities;
            report.AgreementId = agreements.IdOf(request);
            report.GovernorateCode = place.Governorate?.Code;
            report.Place = JsonSerializer.Serialize(place, SubmitReport.PlaceJson);
            await db.SaveChangesAsync(ct);
            return new Outcome<Report>(report, null);
        }, ct);
}
