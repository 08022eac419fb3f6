using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Aid;

/// <summary>What happened to a movement, as humanitarian access reports classify it.</summary>
public enum ImpedimentKind
{
    Denied,
    Delayed,
    Impeded,
    Cancelled,
}

/// <summary>Why, in the reason categories access monitoring uses.</summary>
public enum ImpedimentReason
{
    Hostilities,
    Administrative,
    Security,
    Infrastructure,
    Crowds,
    Logistics,
    Other,
}

/// <summary>A movement of aid or aid workers that was denied, delayed, impeded or cancelled.</summary>
public sealed class Impediment : IClassified
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public DateOnly Day { get; set; }

    public ImpedimentKind Kind { get; set; }

    public ImpedimentReason Reason { get; set; }

    public string? Crossing { get; set; }

    public string? Governorate { get; set; }

    public double? Latitude { get; set; }

    public double? Longitude { get; set; }

    public Guid? ConsignmentId { get; set; }

    public required string Description { get; set; }

    public required string OrganisationName { get; set; }

    public DateTime CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public bool Simulated { get; set; }

    public Classification Classification { get; set; } = Classification.Confidential;

    public Guid? OwnerOrganisationId { get; set; }

    public string? ConfidentialTo { get; set; }
}

public static class RecordImpediment
{
    public sealed record Request(DateOnly? Day, string? Kind, string? Reason, string? Crossing, string? Governorate, double? Latitude, double? Longitude,
        Guid? ConsignmentId, string? Description);

    public static Task<Outcome<Impediment>> RunAsync(TrucelineDb db, Geo.ZoneCatalog zones, Request request, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync<Impediment>(db, async () =>
        {
            var owner = await AidLookups.OwnerAsync(db, "an impediment", ct);
            if (!owner.Succeeded)
            {
                return owner.Failure!;
            }
            var now = time.GetUtcNow().UtcDateTime;
            var errors = new FieldErrors();
            if (request.Day is not { } day || day > DateOnly.FromDateTime(now))
            {
                errors.Add("day", "is required (yyyy-mm-dd) and not in the future");
            }
            if (!Enum.TryParse<ImpedimentKind>(request.Kind, ignoreCase: true, out var kind) || !Enum.IsDefined(kind))
            {
                errors.Add("kind", "is required: denied, delayed, impeded or cancelled");
            }
            if (!Enum.TryParse<ImpedimentReason>(request.Reason, ignoreCase: true, out var reason) || !Enum.IsDefined(reason))
            {
                errors.Add("reason", "is required: hostilities, administrative, security, infrastructure, crowds, logistics or other");
            }
            if (string.IsNullOrWhiteSpace(request.Description) || request.Description.Length > 4000)
            {
                errors.Add("description", "is required (at most 4000 characters)");
            }
            AidLookups.Crossing? crossing = null;
            if (!string.IsNullOrWhiteSpace(request.Crossing))
            {
                crossing = AidLookups.Match(await AidLookups.CrossingsAsync(db, ct), request.Crossing.Trim());
                if (crossing is null)
                {
                    errors.Add("crossing", $"'{request.Crossing}' is not a crossing Truceline knows");
                }
            }
            var governorate = request.Governorate;
            if (governorate is not null && !await AidLookups.IsGovernorateAsync(db, governorate, ct))
            {
                errors.Add("governorate", $"'{governorate}' is not a governorate code");
            }
            if ((request.Latitude is null) != (request.Longitude is null))
            {
                errors.Add("latitude", "latitude and longitude come together");
            }
            else if (request.Latitude is { } lat && request.Longitude is { } lon)
            {
                if (!double.IsFinite(lat) || !double.IsFinite(lon) || lat is < -90 or > 90 || lon is < -180 or > 180)
                {
                    errors.Add("latitude", "latitude and longitude must be decimal degrees");
                }
                else
                {
                    await zones.CurrentAsync(db, ct);
                    var place = zones.Classify(lon, lat, request.Day ?? DateOnly.FromDateTime(now), Viewer.Anonymous);
                    if (place.OutsideArea)
                    {
                        errors.Add("latitude", $"the location is {place.MetersOutsideGovernorates / 1000:0.0} km outside the governorates");
                    }
                    governorate ??= place.Governorate?.Code;
                }
            }
            if (errors.Any)
            {
                return errors.ToFailure();
            }
            var impediment = new Impediment
            {
                Day = request.Day!.Value, Kind = kind, Reason = reason, Crossing = crossing?.Code, Governorate = governorate,
                Latitude = request.Latitude, Longitude = request.Longitude, ConsignmentId = request.ConsignmentId, Description = request.Description!.Trim(),
                OrganisationName = owner.Value.Name,
                CreatedAt = now, CreatedBy = db.Viewer.Name, OwnerOrganisationId = owner.Value.Id, ConfidentialTo = RegisterConsignment.Confidentiality,
            };
            db.Impediments.Add(impediment);
            await db.SaveChangesAsync(ct);
            return impediment;
        }, ct);
}
