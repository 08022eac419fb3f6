using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;
using Truceline.Geo;

namespace Truceline.Incidents;

/// <summary>
/// Bulk import of incident reports from a CSV with ACLED's columns (event_id_cnty, event_date, time_precision,
/// event_type, sub_event_type, actor1, actor2, admin1, admin2, location, latitude, longitude, geo_precision, source,
/// notes, fatalities). Streamed in one transaction: every row is checked and placed; with any bad row nothing is
/// imported unless <see cref="Options.Partial"/>. A row whose event id was imported before is skipped.
/// </summary>
public static class ImportReports
{
    /// <param name="Agreement">The code of the agreement every row concerns; when null, each row's is the one in force on its day.</param>
    public sealed record Options(SourceType SourceType = SourceType.Media, bool Partial = false, Classification Classification = Classification.Restricted,
        string? Agreement = null);

    public sealed record RowError(long Row, string Field, string Message);

    public sealed record Result(int Imported, int AlreadyImported, IReadOnlyList<RowError> Errors, bool Committed);

    private static readonly string[] RequiredColumns = ["event_date", "event_type", "latitude", "longitude"];
    private const int Batch = 2000;
    private const int MaxErrorsListed = 1000;

    public static async Task<Result> RunAsync(TrucelineDb db, ZoneCatalog zones, Stream csv, Options options, SubmitReport.Submitter importer,
        TimeProvider time, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        var errors = new List<RowError>();
        var imported = 0;
        var already = 0;
        var now = time.GetUtcNow().UtcDateTime;
        var today = SubmitReport.LatestToday(time);
        await zones.CurrentAsync(db, ct);
        Guid? agreement = null;
        if (!string.IsNullOrWhiteSpace(options.Agreement))
        {
            agreement = await db.Agreements.IgnoreQueryFilters().Where(a => a.Code == options.Agreement.Trim()).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);
            if (agreement is null)
            {
                errors.Add(new RowError(0, "--agreement", $"no agreement has the code '{options.Agreement.Trim()}' (GET /api/v1/plans lists them)"));
                return new Result(0, 0, errors, false);
            }
        }
        var partyNames = await PartyNamesAsync(db, agreement, ct);
        await using var tx = await Writes.BeginAsync(db, ct);
        var pending = new List<Report>(Batch);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // Strict UTF-8: a broken encoding stops the import at the row it is in, rather than storing mangled text.
        using var reader = new StreamReader(csv, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false);
        var parser = new CsvReader(reader);
        try
        {
            var header = parser.Read();
            if (header is null)
            {
                errors.Add(new RowError(1, "header", "the file is empty"));
                return new Result(0, 0, errors, false);
            }
            var columns = header.Select((h, i) => (Name: h.Trim().TrimStart('\uFEFF').ToLowerInvariant(), i))
                .GroupBy(c => c.Name).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
            var missing = RequiredColumns.Where(c => !columns.ContainsKey(c)).ToList();
            if (missing.Count > 0)
            {
                errors.Add(new RowError(1, "header", $"missing column(s): {string.Join(", ", missing)} (ACLED's column names)"));
                return new Result(0, 0, errors, false);
            }
            while (parser.Read() is { } record)
            {
                ct.ThrowIfCancellationRequested();
                var row = parser.Line;
                if (record.Count == 1 && record[0].Length == 0)
                {
                    continue; // a blank line
                }
                var before = errors.Count;
                var report = Row(name => columns.TryGetValue(name, out var i) && i < record.Count && !string.IsNullOrWhiteSpace(record[i]) ? record[i].Trim() : null,
                    row, options, importer, now, today, zones, partyNames, errors);
                progress?.Report(reader.BaseStream.CanSeek ? reader.BaseStream.Position : row);
                if (report is null || errors.Count > before)
                {
                    continue;
                }
                if (report.ClientId is { } id && !seen.Add(id))
                {
                    errors.Add(new RowError(row, "event_id_cnty", $"'{id}' appears twice in the file"));
                    continue;
                }
                pending.Add(report);
                if (pending.Count == Batch)
                {
                    (imported, already) = await FlushAsync(db, pending, imported, already, write: options.Partial || errors.Count == 0, ct);
                }
            }
            (imported, already) = await FlushAsync(db, pending, imported, already, write: options.Partial || errors.Count == 0, ct);
        }
        catch (DecoderFallbackException)
        {
            errors.Add(new RowError(parser.Line, "row", "not valid UTF-8 (save the file as UTF-8)"));
        }
        catch (CsvFormatException e)
        {
            errors.Add(new RowError(e.Line, "row", e.Message));
        }
        var commit = errors.Count == 0 || options.Partial;
        if (commit)
        {
            await tx.CommitAsync(ct);
        }
        else
        {
            await tx.RollbackAsync(ct);
        }
        return new Result(commit ? imported : 0, already, errors.Take(MaxErrorsListed).ToList(), commit);
    }

    private static async Task<(int Imported, int Already)> FlushAsync(TrucelineDb db, List<Report> pending, int imported, int already, bool write, CancellationToken ct)
    {
        if (pending.Count == 0)
        {
            return (imported, already);
        }
        var ids = pending.Where(r => r.ClientId is not null).Select(r => r.ClientId!).ToList();
        var existing = (await db.Reports.IgnoreQueryFilters().Where(r => r.Channel == Channel.Import && ids.Contains(r.ClientId!)).Select(r => r.ClientId!).ToListAsync(ct)).ToHashSet();
        var fresh = pending.Where(r => r.ClientId is null || !existing.Contains(r.ClientId)).ToList();
        if (write)
        {
            db.Reports.AddRange(fresh);
            await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
        pending.Clear();
        return (imported + fresh.Count, already + existing.Count);
    }

    /// <summary>
    /// Each agreement's parties by every name they go by (code, name, aliases; case ignored), so ACLED's actor names
    /// ("Military Forces of Israel (2022-)") become the party codes that allegations, filters and the right of reply
    /// use: those of the agreement in force on the event's day, the one its incident will attach to. An actor that
    /// names no party is kept as written.
    /// </summary>
    /// <param name="named">The agreement the import names for every row, if it names one.</param>
    private sealed class PartyNames(Plans.DefaultAgreement.ByDay agreements, IReadOnlyDictionary<Guid, Dictionary<string, string>> byAgreement, Guid? named)
    {
        public Guid? Named => named;

        /// <summary>The days the named agreement is in force, when its phases say and the day is not among them.</summary>
        public string? NotInForce(DateOnly day) => named is { } id ? agreements.NotInForce(id, day) : null;

        public string Code(string actor, DateOnly? day) =>
            (named ?? (day is { } d ? agreements.For(d) : null)) is { } agreement && byAgreement.TryGetValue(agreement, out var names)
                ? names.GetValueOrDefault(actor.Trim(), actor)
                : actor;
    }

    private static async Task<PartyNames> PartyNamesAsync(TrucelineDb db, Guid? named, CancellationToken ct)
    {
        var byAgreement = new Dictionary<Guid, Dictionary<string, string>>();
        foreach (var party in await db.Parties.AsNoTracking().OrderBy(p => p.AgreementId).ThenBy(p => p.Ordinal).ToListAsync(ct))
        {
            if (!byAgreement.TryGetValue(party.AgreementId, out var names))
            {
                byAgreement[party.AgreementId] = names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            }
            foreach (var name in new[] { party.Code, party.Name }.Concat(party.Aliases))
            {
                names.TryAdd(name.Trim(), party.Code);
            }
        }
        return new PartyNames(await Plans.DefaultAgreement.ByDayAsync(db, ct), byAgreement, named);
    }

    private static Report? Row(Func<string, string?> field, long row, Options options, SubmitReport.Submitter importer, DateTime now, DateOnly today, ZoneCatalog zones,
        PartyNames partyNames, List<RowError> errors)
    {
        int? Int(string name)
        {
            var text = field(name);
            if (text is null)
            {
                return null;
            }
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
            {
                return n;
            }
            errors.Add(new RowError(row, name, $"'{Truncate(text, 30)}' is not a whole number"));
            return null;
        }
        double? Number(string name)
        {
            var text = field(name);
            if (text is null)
            {
                return null;
            }
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n))
            {
                return n;
            }
            errors.Add(new RowError(row, name, $"'{Truncate(text, 30)}' is not a number in decimal degrees"));
            return null;
        }
        DateOnly? date = null;
        if (field("event_date") is { } dateText)
        {
            if (DateOnly.TryParseExact(dateText, ["yyyy-MM-dd", "d MMMM yyyy", "dd MMMM yyyy", "d-MMMM-yyyy", "dd-MMMM-yyyy", "d/M/yyyy"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
            {
                date = d;
            }
            else
            {
                errors.Add(new RowError(row, "event_date", $"'{Truncate(dateText, 30)}' is not a date (YYYY-MM-DD or '20 October 2025')"));
            }
        }
        if (date is { } day && partyNames.NotInForce(day) is { } span)
        {
            errors.Add(new RowError(row, "event_date", $"--agreement's agreement is in force {span}, not on {day:yyyy-MM-dd}"));
        }
        var parties = new[] { field("actor1"), field("actor2") }.Where(a => a is not null).Select(a => partyNames.Code(a!, date)).ToList();
        var request = new SubmitReport.Request(field("event_id_cnty"), options.SourceType, null, field("source"), date, null, Int("time_precision"),
            Number("latitude"), Number("longitude"), Int("geo_precision"), field("location"), field("event_type"), field("sub_event_type"), field("notes"),
            parties, Int("fatalities"), options.Classification);
        foreach (var (name, messages) in SubmitReport.Validate(request, today).ToFailure().Errors ?? new Dictionary<string, string[]>())
        {
            if (errors.Any(e => e.Row == row && e.Field == Column(name)))
            {
                continue; // already reported as unreadable
            }
            foreach (var m in messages)
            {
                errors.Add(new RowError(row, Column(name), m));
            }
        }
        if (request.Latitude is not { } lat || request.Longitude is not { } lon || date is null || lat is < -90 or > 90 || lon is < -180 or > 180)
        {
            return null;
        }
        var place = zones.Classify(lon, lat, date.Value, Viewer.Anonymous);
        if (place.OutsideArea)
        {
            errors.Add(new RowError(row, "latitude", $"the location is {place.MetersOutsideGovernorates / 1000:0.0} km outside the governorates in force on {date:yyyy-MM-dd}"));
            return null;
        }
        return new Report
        {
            AgreementId = partyNames.Named,
            Channel = Channel.Import,
            ClientId = request.ClientId,
            ReceivedAt = now,
            SubmittedByUserId = importer.UserId,
            SubmittedByOrganisationId = importer.OrganisationId,
            SourceType = options.SourceType,
            Source = request.Source,
            Structured = true,
            OccurredOn = date,
            TimePrecision = request.TimePrecision ?? 1,
            Latitude = lat,
            Longitude = lon,
            GeoPrecision = request.GeoPrecision ?? 1,
            PlaceName = request.PlaceName,
            EventType = request.EventType,
            SubEventType = request.SubEventType,
            Description = request.Description,
            AllegedParties = parties,
            Fatalities = request.Fatalities,
            GovernorateCode = place.Governorate?.Code,
            Place = JsonSerializer.Serialize(place, SubmitReport.PlaceJson),
            Classification = options.Classification,
            OwnerOrganisationId = importer.OrganisationId,
        };
    }

    /// <summary>The CSV column a validation message concerns.</summary>
    private static string Column(string field) => field switch
    {
        "occurredOn" => "event_date",
        "timePrecision" => "time_precision",
        "geoPrecision" => "geo_precision",
        "eventType" => "event_type",
        "subEventType" => "sub_event_type",
        "placeName" => "location",
        "description" => "notes",
        "clientId" => "event_id_cnty",
        "allegedParties" => "actor1",
        _ => field,
    };

    private static string Truncate(string? text, int max) => text is null ? "" : text.Length <= max ? text : text[..max] + "…";
}
