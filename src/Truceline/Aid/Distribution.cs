using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Aid;

/// <summary>Goods handed out in a governorate on a day, and how many people they reached.</summary>
public sealed class Distribution : IClassified
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public DateOnly Day { get; set; }

    public required string Governorate { get; set; }

    public CommodityCategory Category { get; set; }

    public double Quantity { get; set; }

    public required string Unit { get; set; }

    public double? Tonnes { get; set; }

    public int PeopleReached { get; set; }

    public Guid? ConsignmentId { get; set; }

    public required string OrganisationName { get; set; }

    public DateTime CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public bool Simulated { get; set; }

    public Classification Classification { get; set; } = Classification.Confidential;

    public Guid? OwnerOrganisationId { get; set; }

    public string? ConfidentialTo { get; set; }
}

public static class RecordDistribution
{
    public sealed record Request(DateOnly? Day, string? Governorate, string? Category, double? Quantity, string? Unit, double? Tonnes, int? PeopleReached, Guid? ConsignmentId);

    public static Task<Outcome<Distribution>> RunAsync(TrucelineDb db, Request request, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync<Distribution>(db, async () =>
        {
            var owner = await AidLookups.OwnerAsync(db, "a distribution", ct);
            if (!owner.Succeeded)
            {
                return owner.Failure!;
            }
            var now = time.GetUtcNow().UtcDateTime;
            var errors = new FieldErrors();
            if (request.Day is not { } day)
            {
                errors.Add("day", "is required (yyyy-mm-dd)");
            }
            else if (day > DateOnly.FromDateTime(now))
            {
                errors.Add("day", "is in the future");
            }
            if (string.IsNullOrWhiteSpace(request.Governorate)
                || !await AidLookups.IsGovernorateAsync(db, request.Governorate, ct))
            {
                errors.Add("governorate", "is required: a governorate code (see /api/v1/zones?kind=governorate)");
            }
            if (!Stages.TryParseCategory(request.Category, out var category))
            {
                errors.Add("category", "is required: food, water, medical, shelter, fuel, hygiene, non-food, mixed or other");
            }
            if (request.Quantity is not { } quantity || !double.IsFinite(quantity) || quantity <= 0 || quantity > 100_000_000)
            {
                errors.Add("quantity", "is required: more than 0 and at most 100,000,000");
            }
            if (string.IsNullOrWhiteSpace(request.Unit) || request.Unit.Length > 50)
            {
                errors.Add("unit", "is required (at most 50 characters), for example 'food parcels' or 'litres'");
            }
            if (request.Tonnes is { } t && (!double.IsFinite(t) || t < 0 || t > 1_000_000))
            {
                errors.Add("tonnes", "must be from 0 to 1,000,000");
            }
            if (request.PeopleReached is not { } people || people < 0 || people > 10_000_000)
            {
                errors.Add("peopleReached", "is required: from 0 to 10,000,000");
            }
            if (request.ConsignmentId is { } cid && !await db.Consignments.AnyAsync(c => c.Id == cid, ct))
            {
                errors.Add("consignmentId", "is not a consignment you may see");
            }
            if (errors.Any)
            {
                return errors.ToFailure();
            }
            var distribution = new Distribution
            {
                Day = request.Day!.Value, Governorate = request.Governorate!, Category = category, Quantity = request.Quantity!.Value, Unit = request.Unit!.Trim(),
                Tonnes = request.Tonnes, PeopleReached = request.PeopleReached!.Value, ConsignmentId = request.ConsignmentId,
                OrganisationName = owner.Value.Name,
                CreatedAt = now, CreatedBy = db.Viewer.Name, OwnerOrganisationId = owner.Value.Id, ConfidentialTo = RegisterConsignment.Confidentiality,
            };
            db.Distributions.Add(distribution);
            await db.SaveChangesAsync(ct);
            return distribution;
        }, ct);
}

/// <summary>Population and people in need of a governorate, as a source published them on a date.</summary>
public sealed class GovernorateFigure
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public required string Governorate { get; set; }

    public long Population { get; set; }

    public long PeopleInNeed { get; set; }

    public DateOnly AsOf { get; set; }

    public required string Source { get; set; }

    public bool Simulated { get; set; }
}

/// <summary>A governorate's population and people in need as a source published them on a date; a later date supersedes.</summary>
public static class RecordGovernorateFigure
{
    public sealed record Request(string? Governorate, long? Population, long? PeopleInNeed, DateOnly? AsOf, string? Source);

    public static async Task<Outcome<GovernorateFigure>> RunAsync(TrucelineDb db, Request request, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.Governorate) || !await AidLookups.IsGovernorateAsync(db, request.Governorate, ct))
        {
            errors.Add("governorate", "is required: a governorate code");
        }
        if (request.Population is not (>= 0 and <= 100_000_000))
        {
            errors.Add("population", "is required: 0 to 100,000,000");
        }
        if (request.PeopleInNeed is not (>= 0 and <= 100_000_000) || request.PeopleInNeed > request.Population)
        {
            errors.Add("peopleInNeed", "is required: 0 to the population");
        }
        if (request.AsOf is null)
        {
            errors.Add("asOf", "is required: the date the source gives the figures for");
        }
        if (string.IsNullOrWhiteSpace(request.Source) || request.Source.Length > 500)
        {
            errors.Add("source", "is required (at most 500 characters): who published the figures");
        }
        if (errors.Any)
        {
            return errors.ToFailure();
        }
        return await Writes.InTransactionAsync<GovernorateFigure>(db, async () =>
        {
            if (await db.GovernorateFigures.AnyAsync(f => f.Governorate == request.Governorate && f.AsOf == request.AsOf, ct))
            {
                return Failure.Conflict("Already recorded", $"{request.Governorate} already has figures as of {request.AsOf:yyyy-MM-dd}; record a later date to update them.");
            }
            var figure = new GovernorateFigure
            {
                Governorate = request.Governorate!, Population = request.Population!.Value, PeopleInNeed = request.PeopleInNeed!.Value, AsOf = request.AsOf!.Value,
                Source = request.Source!.Trim(),
            };
            db.GovernorateFigures.Add(figure);
            await db.SaveChangesAsync(ct);
            return figure;
        }, ct);
    }
}
