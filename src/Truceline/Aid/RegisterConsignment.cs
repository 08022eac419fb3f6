using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Aid;

/// <summary>
/// An organisation registers a consignment under its own reference. Registering the same reference again returns
/// the consignment already there (a retry never makes a second one). It starts at "requested" unless the sender
/// says it is already further along, with the time it got there.
/// </summary>
public static class RegisterConsignment
{
    public sealed record Line(string? Category, string? Description, double? Quantity, string? Unit, double? Pallets, double? Tonnes);

    public sealed record Request(
        string? Reference, string? Crossing, string? DestinationGovernorate, double? Trucks, IReadOnlyList<Line>? Lines,
        DateTimeOffset? RequestedAt = null, string? Recipient = null, string? Donor = null);

    public sealed record Result(Consignment Consignment, bool Created);

    public const int MaxLines = 100;

    public static Task<Outcome<Result>> RunAsync(TrucelineDb db, Request request, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync<Result>(db, async () =>
        {
            var owner = await AidLookups.OwnerAsync(db, "a consignment", ct);
            if (!owner.Succeeded)
            {
                return owner.Failure!;
            }
            var (organisationId, organisation) = owner.Value;
            var now = time.GetUtcNow().UtcDateTime;
            var errors = new FieldErrors();
            var reference = Text(request.Reference, "reference", 100, errors, required: true);
            var crossingText = Text(request.Crossing, "crossing", 100, errors, required: true);
            var destination = Text(request.DestinationGovernorate, "destinationGovernorate", 100, errors, required: false);
            var recipient = Text(request.Recipient, "recipient", 200, errors, required: false);
            var donor = Text(request.Donor, "donor", 200, errors, required: false);
            if (request.Trucks is not { } trucks || !double.IsFinite(trucks) || trucks <= 0 || trucks > 10_000)
            {
                errors.Add("trucks", "is required: the number of trucks, more than 0 and at most 10,000");
                trucks = 0;
            }
            var requestedAt = request.RequestedAt?.UtcDateTime ?? now;
            if (requestedAt > now.AddMinutes(5))
            {
                errors.Add("requestedAt", "is in the future");
            }
            var lines = ValidateLines(request.Lines, errors);
            var crossing = crossingText is null ? null : AidLookups.Match(await AidLookups.CrossingsAsync(db, ct), crossingText);
            if (crossingText is not null && crossing is null)
            {
                errors.Add("crossing", $"'{crossingText}' is not a crossing Truceline knows (see /api/v1/zones?kind=crossing)");
            }
            if (destination is not null && !await AidLookups.IsGovernorateAsync(db, destination, ct))
            {
                errors.Add("destinationGovernorate", $"'{destination}' is not a governorate code (see /api/v1/zones?kind=governorate)");
            }
            if (errors.Any)
            {
                return errors.ToFailure();
            }
            var existing = await db.Consignments.Include(c => c.Lines)
                .FirstOrDefaultAsync(c => c.OwnerOrganisationId == organisationId && c.Reference == reference, ct);
            if (existing is not null)
            {
                return new Result(existing, false);
            }
            var consignment = new Consignment
            {
                Reference = reference!, OrganisationName = organisation, Crossing = crossing!.Code, CrossingZoneId = crossing.Id,
                DestinationGovernorate = destination, Recipient = recipient, Donor = donor, Trucks = trucks,
                Category = CategoryOf(lines), Tonnes = SumOrNull(lines.Select(l => l.Tonnes)), Pallets = SumOrNull(lines.Select(l => l.Pallets)),
                Stage = ConsignmentStage.Requested, StageAt = requestedAt, CreatedAt = now, CreatedBy = db.Viewer.Name,
                OwnerOrganisationId = organisationId, ConfidentialTo = Confidentiality,
                AgreementId = await Plans.DefaultAgreement.IdAsync(db, ct),
            };
            foreach (var line in lines)
            {
                line.ConsignmentId = consignment.Id;
                line.OwnerOrganisationId = organisationId;
                line.ConfidentialTo = Confidentiality;
            }
            consignment.Lines = lines;
            var first = new ConsignmentEvent
            {
                ConsignmentId = consignment.Id, Stage = ConsignmentStage.Requested, At = requestedAt, RecordedAt = now, RecordedBy = db.Viewer.Name,
                OwnerOrganisationId = organisationId, ConfidentialTo = Confidentiality,
            };
            db.Consignments.Add(consignment);
            db.ConsignmentEvents.Add(first);
            var rollup = new AidRollup();
            rollup.Add(consignment, first);
            await rollup.FlushAsync(db, ct);
            await db.SaveChangesAsync(ct);
            return new Result(consignment, true);
        }, ct);

    /// <summary>The sending organisation reads its own consignments; the coordination centre reads every one.</summary>
    public static readonly string Confidentiality = RoleNames.ConfidentialToken(Role.Coordinator);

    public static CommodityCategory CategoryOf(IReadOnlyCollection<ConsignmentLine> lines) =>
        lines.Select(l => l.Category).Distinct().Count() switch
        {
            0 => CommodityCategory.Other,
            1 => lines.First().Category,
            _ => CommodityCategory.Mixed,
        };

    private static double? SumOrNull(IEnumerable<double?> values)
    {
        var known = values.Where(v => v is not null).ToList();
        return known.Count == 0 ? null : known.Sum();
    }

    private static List<ConsignmentLine> ValidateLines(IReadOnlyList<Line>? lines, FieldErrors errors)
    {
        var result = new List<ConsignmentLine>();
        if (lines is null || lines.Count == 0)
        {
            errors.Add("lines", "at least one commodity line is required");
            return result;
        }
        if (lines.Count > MaxLines)
        {
            errors.Add("lines", $"at most {MaxLines} lines");
            return result;
        }
        for (var i = 0; i < lines.Count; i++)
        {
            var l = lines[i];
            var path = $"lines[{i}]";
            if (!Stages.TryParseCategory(l.Category, out var category))
            {
                errors.Add($"{path}.category", "is required: food, water, medical, shelter, fuel, hygiene, non-food, mixed or other");
            }
            var description = Text(l.Description, $"{path}.description", 500, errors, required: true);
            Quantity(l.Quantity, $"{path}.quantity", 10_000_000, errors);
            Quantity(l.Pallets, $"{path}.pallets", 1_000_000, errors);
            Quantity(l.Tonnes, $"{path}.tonnes", 1_000_000, errors);
            var unit = Text(l.Unit, $"{path}.unit", 50, errors, required: false);
            result.Add(new ConsignmentLine
            {
                Ordinal = i, Category = category, Description = description ?? "", Quantity = l.Quantity, Unit = unit, Pallets = l.Pallets, Tonnes = l.Tonnes,
            });
        }
        return result;
    }

    private static void Quantity(double? value, string field, double max, FieldErrors errors)
    {
        if (value is { } v && (!double.IsFinite(v) || v < 0 || v > max))
        {
            errors.Add(field, $"must be a number from 0 to {max:N0}");
        }
    }

    private static string? Text(string? value, string field, int max, FieldErrors errors, bool required)
    {
        var trimmed = value?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            if (required)
            {
                errors.Add(field, "is required");
            }
            return null;
        }
        if (trimmed.Length > max)
        {
            errors.Add(field, $"is longer than {max} characters");
            return null;
        }
        if (trimmed.Any(char.IsControl))
        {
            errors.Add(field, "contains control characters");
            return null;
        }
        return trimmed;
    }
}
