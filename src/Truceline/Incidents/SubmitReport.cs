using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;
using Truceline.Geo;

namespace Truceline.Incidents;

/// <summary>
/// Receives a report from any channel: checks it, places it against the zones and lines in force on its
/// date, and stores it; acknowledged only after the commit. A retry with the same client id returns the
/// report stored the first time and stores nothing.
/// </summary>
public static class SubmitReport
{
    public sealed record Request(
        string? ClientId,
        SourceType? SourceType,
        string? SourceIdentity,
        string? Source,
        DateOnly? OccurredOn,
        TimeOnly? OccurredTime,
        int? TimePrecision,
        double? Latitude,
        double? Longitude,
        int? GeoPrecision,
        string? PlaceName,
        string? EventType,
        string? SubEventType,
        string? Description,
        List<string>? AllegedParties,
        int? Fatalities,
        Classification? Classification,
        string? Agreement = null);

    /// <summary>Who submits, through which channel (the submitter's organisation owns the report).</summary>
    public sealed record Submitter(Channel Channel, Guid? UserId, Guid? OrganisationId);

    public sealed record Result(Report Report, bool Created);

    internal static readonly JsonSerializerOptions PlaceJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <param name="intake">The node's group-commit writer; without it the report is stored in its own transaction.</param>
    public static async Task<Outcome<Result>> RunAsync(TrucelineDb db, ZoneCatalog zones, PersonalData personalData, Request request, Submitter submitter,
        TimeProvider time, CancellationToken ct = default, ReportIntake? intake = null)
    {
        var outcome = await CheckAndStoreAsync(db, zones, personalData, request, submitter, time, ct, intake);
        // A retry of a report already stored is the first report, even if it would not pass the checks now (the zones
        // moved, the agreement was withdrawn): looked up only when it fails, so a new report costs no extra query.
        return outcome.Failure is { Kind: FailureKind.Invalid } && await FirstOfAsync(db, submitter, [request.ClientId], ct) is { Count: 1 } first
            ? new Result(first.Values.Single(), Created: false)
            : outcome;
    }

    /// <summary>The reports already stored under these client ids by this submitter on this channel, by client id.</summary>
    internal static async Task<Dictionary<string, Report>> FirstOfAsync(TrucelineDb db, Submitter submitter, IEnumerable<string?> clientIds, CancellationToken ct)
    {
        var ids = clientIds.Where(c => !string.IsNullOrWhiteSpace(c)).Select(c => c!.Trim()).Distinct().ToList();
        return ids.Count == 0 ? [] : await db.Reports.IgnoreQueryFilters().AsNoTracking()
            .Where(r => r.Channel == submitter.Channel && r.ClientId != null && ids.Contains(r.ClientId) && r.SubmittedByUserId == submitter.UserId)
            .ToDictionaryAsync(r => r.ClientId!, ct);
    }

    private static async Task<Outcome<Result>> CheckAndStoreAsync(TrucelineDb db, ZoneCatalog zones, PersonalData personalData, Request request, Submitter submitter,
        TimeProvider time, CancellationToken ct, ReportIntake? intake)
    {
        // Through the intake writer, the zones as last loaded: the writer checks their version once per batch, in its
        // transaction, and places again any report placed with zones changed since (one query a batch, not one a report).
        await (intake is null ? zones.CurrentAsync(db, ct) : zones.LoadedAsync(db, ct));
        var version = zones.Version ?? ""; // read before placing (see Place)
        var errors = new FieldErrors();
        var report = Prepare(db, zones, personalData, request, submitter, time.GetUtcNow().UtcDateTime, LatestToday(time),
            await AgreementsAsync(db, [request], ct), errors, "");
        if (report is null)
        {
            return errors.ToFailure();
        }
        return intake is null ? await StoreAsync(db, report, ct) : await intake.StoreAsync(db, report, version);
    }

    /// <summary>
    /// Checks one request and makes its report, placed against the zones and lines in force on its day: the report, or
    /// null with every problem added to <paramref name="errors"/>, each field's name after <paramref name="path"/>.
    /// </summary>
    internal static Report? Prepare(TrucelineDb db, ZoneCatalog zones, PersonalData personalData, Request request, Submitter submitter, DateTime now,
        DateOnly today, NamedAgreements agreements, FieldErrors errors, string path)
    {
        var before = errors.Fields;
        Validate(request, today, errors, path);
        agreements.Check(request, errors, path);
        if (errors.Fields != before)
        {
            return null;
        }
        var report = Build(db, personalData, request, submitter, now, agreements);
        if (Place(report, zones).Failure is not { } outside)
        {
            return report;
        }
        foreach (var (field, messages) in outside.Errors!)
        {
            foreach (var message in messages)
            {
                errors.Add(path + field, message);
            }
        }
        return null;
    }

    /// <summary>The report a valid request makes, not yet placed against the zones nor stored.</summary>
    private static Report Build(TrucelineDb db, PersonalData personalData, Request request, Submitter submitter, DateTime now,
        NamedAgreements agreements) => new()
    {
        AgreementId = agreements.IdOf(request),
        Channel = submitter.Channel,
        ClientId = string.IsNullOrWhiteSpace(request.ClientId) ? null : request.ClientId.Trim(),
        ReceivedAt = now,
        SubmittedByUserId = submitter.UserId,
        SubmittedByOrganisationId = submitter.OrganisationId,
        SourceType = request.SourceType!.Value,
        SourceIdentity = personalData.Protect(request.SourceIdentity?.Trim()),
        SourceFingerprint = personalData.Fingerprint(request.SourceIdentity),
        Source = Trim(request.Source),
        Structured = true,
        OccurredOn = request.OccurredOn,
        OccurredAt = request.OccurredTime is { } t ? request.OccurredOn!.Value.ToDateTime(t, DateTimeKind.Utc) : null,
        TimePrecision = request.TimePrecision ?? 1,
        Latitude = request.Latitude,
        Longitude = request.Longitude,
        GeoPrecision = request.GeoPrecision ?? 1,
        PlaceName = Trim(request.PlaceName),
        EventType = Trim(request.EventType),
        SubEventType = Trim(request.SubEventType),
        Description = Trim(request.Description),
        AllegedParties = request.AllegedParties?.Select(p => p.Trim()).Where(p => p.Length > 0).Distinct().ToList() ?? [],
        Fatalities = request.Fatalities,
        Classification = request.Classification ?? Classification.Restricted,
        OwnerOrganisationId = submitter.OrganisationId,
        SubmittedByName = db.Viewer.Name,
    };

    /// <summary>The agreements the requests name, by code, among those the submitter may read: one query for a batch.</summary>
    internal static async Task<NamedAgreements> AgreementsAsync(TrucelineDb db, IEnumerable<Request> requests, CancellationToken ct)
    {
        var codes = requests.Where(r => !string.IsNullOrWhiteSpace(r.Agreement)).Select(r => r.Agreement!.Trim()).Distinct().ToList();
        if (codes.Count == 0)
        {
            return NamedAgreements.None;
        }
        var byCode = await db.Agreements.AsNoTracking().Where(a => codes.Contains(a.Code)).ToDictionaryAsync(a => a.Code, a => a.Id, ct);
        return new NamedAgreements(byCode, byCode.Count == 0 ? null : await Plans.DefaultAgreement.ByDayAsync(db, ct));
    }

    /// <summary>The agreements some requests name, with the days each is in force, to check each report against.</summary>
    internal sealed class NamedAgreements(IReadOnlyDictionary<string, Guid> byCode, Plans.DefaultAgreement.ByDay? spans)
    {
        public static readonly NamedAgreements None = new(new Dictionary<string, Guid>(), null);

        /// <summary>The agreement a checked request names, or null.</summary>
        public Guid? IdOf(Request request) => string.IsNullOrWhiteSpace(request.Agreement) ? null : byCode[request.Agreement.Trim()];

        /// <summary>
        /// Adds an error when the request names an agreement the submitter may not read or that does not exist, or one
        /// whose phases say it was not in force on the report's day (its quorum, parties and provisions would not be the
        /// ones that applied); true if it did.
        /// </summary>
        public bool Check(Request request, FieldErrors errors, string path)
        {
            if (string.IsNullOrWhiteSpace(request.Agreement))
            {
                return false;
            }
            var code = request.Agreement.Trim();
            if (!byCode.TryGetValue(code, out var id))
            {
                errors.Add(path + "agreement", $"no agreement you may read has the code '{code}'; leave it out for the agreement in force on the report's day");
                return true;
            }
            if (request.OccurredOn is { } day && spans?.NotInForce(id, day) is { } inForce)
            {
                errors.Add(path + "agreement", $"the agreement '{code}' is in force {inForce}, not on {day:yyyy-MM-dd}");
                return true;
            }
            return false;
        }
    }

    /// <summary>
    /// Places the report against the zones and lines in force on its day, or refuses a place outside the area (422).
    /// Only public zones are stored with it: a reader of the report must not learn a restricted zone from it. Returns the
    /// zones' version it was placed with.
    /// </summary>
    public static Outcome<string> Place(Report report, ZoneCatalog zones)
    {
        // Read before placing: if the catalog is rebuilt in between, the version is older than the zones used, and the
        // intake writer, seeing it differ from the stored one, places the report again. Never the other way round.
        var version = zones.Version ?? "";
        var place = zones.Classify(report.Longitude!.Value, report.Latitude!.Value, report.OccurredOn!.Value, Viewer.Anonymous);
        if (place.OutsideArea)
        {
            return Failure.Invalid("latitude", $"the location is {place.MetersOutsideGovernorates / 1000:0.0} km outside the governorates in force on {report.OccurredOn:yyyy-MM-dd}; check it (latitude first, in decimal degrees)");
        }
        report.GovernorateCode = place.Governorate?.Code;
        report.Place = JsonSerializer.Serialize(place, PlaceJson);
        return new Outcome<string>(version, null);
    }

    /// <summary>Stores a report unless one with the same channel and client id exists; then returns that one.</summary>
    public static Task<Outcome<Result>> StoreAsync(TrucelineDb db, Report report, CancellationToken ct = default) =>
        Writes.InTransactionAsync(db, async () =>
        {
            if (report.ClientId is not null)
            {
                // The first report is returned whoever asks again, so the lookup ignores the reader's filter.
                var first = await db.Reports.IgnoreQueryFilters().AsNoTracking()
                    .FirstOrDefaultAsync(r => r.Channel == report.Channel && r.ClientId == report.ClientId, ct);
                if (first is not null)
                {
                    return first.SubmittedByUserId == report.SubmittedByUserId
                        ? new Outcome<Result>(new Result(first, Created: false), null)
                        : ClientIdTaken(report.ClientId);
                }
            }
            db.Reports.Add(report);
            await db.SaveChangesAsync(ct);
            return new Outcome<Result>(new Result(report, Created: true), null);
        }, ct);

    /// <summary>Another account already used this id on this channel: refused, and nothing of the first report is shown.</summary>
    public static Failure ClientIdTaken(string clientId) =>
        Failure.Conflict("Client id in use", $"The client id '{clientId}' was already used by another account on this channel; choose another (nothing was stored).");

    private static string? Trim(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>The latest date it is anywhere now (UTC+14): a date after it is in the future everywhere.</summary>
    public static DateOnly LatestToday(TimeProvider time) => DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime.AddHours(14));

    public static FieldErrors Validate(Request r, DateOnly today) => Validate(r, today, new FieldErrors(), "");

    /// <param name="path">Put before each field's name: "reports[3]." for the fourth report of a batch.</param>
    public static FieldErrors Validate(Request r, DateOnly today, FieldErrors errors, string path)
    {
        if (r.ClientId is { Length: > 128 })
        {
            errors.Add(path + "clientId", "must be at most 128 characters");
        }
        if (r.SourceType is null)
        {
            errors.Add(path + "sourceType", "is required: monitorPatrol, partyLiaison, civilian, media or sensor");
        }
        if (r.OccurredOn is null)
        {
            errors.Add(path + "occurredOn", "is required (YYYY-MM-DD)");
        }
        else if (r.OccurredOn > today)
        {
            errors.Add(path + "occurredOn", "cannot be in the future");
        }
        if (r.TimePrecision is < 1 or > 3)
        {
            errors.Add(path + "timePrecision", "must be 1 (day known), 2 (week) or 3 (month)");
        }
        if (r.GeoPrecision is < 1 or > 3)
        {
            errors.Add(path + "geoPrecision", "must be 1 (exact), 2 (near a named place) or 3 (region)");
        }
        if (r.Latitude is not { } lat || !double.IsFinite(lat) || lat is < -90 or > 90)
        {
            errors.Add(path + "latitude", "is required, in decimal degrees between -90 and 90");
        }
        if (r.Longitude is not { } lon || !double.IsFinite(lon) || lon is < -180 or > 180)
        {
            errors.Add(path + "longitude", "is required, in decimal degrees between -180 and 180");
        }
        if (string.IsNullOrWhiteSpace(r.EventType))
        {
            errors.Add(path + "eventType", "is required (for example: Explosions/Remote violence, Battles, Violence against civilians)");
        }
        foreach (var (field, value, max) in new[] { ("eventType", r.EventType, 100), ("subEventType", r.SubEventType, 100), ("placeName", r.PlaceName, 200),
            ("source", r.Source, 500), ("sourceIdentity", r.SourceIdentity, 500), ("description", r.Description, 10_000) })
        {
            if (value?.Length > max)
            {
                errors.Add(path + field, $"must be at most {max} characters");
            }
        }
        if (r.Fatalities is < 0 or > 100_000)
        {
            errors.Add(path + "fatalities", "must be between 0 and 100000");
        }
        if (r.Agreement is { Length: > 100 })
        {
            errors.Add(path + "agreement", "must be at most 100 characters (an agreement's code)");
        }
        if (r.AllegedParties is { Count: > 20 } || r.AllegedParties?.Any(p => p.Length > 100) == true)
        {
            errors.Add(path + "allegedParties", "at most 20 parties of at most 100 characters");
        }
        return errors;
    }
}
