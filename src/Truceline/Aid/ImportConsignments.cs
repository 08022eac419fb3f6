using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Aid;

/// <summary>A bulk import: its audit entry stands for the rows it brought in (see <see cref="ImportConsignments"/>).</summary>
public sealed class AidImport : IClassified
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public required string FileName { get; set; }

    public required string Sha256 { get; set; }

    public required string Layout { get; set; }

    public int Imported { get; set; }

    public int AlreadyPresent { get; set; }

    public DateTime ImportedAt { get; set; }

    public required string ImportedBy { get; set; }

    public Classification Classification { get; set; } = Classification.Confidential;

    public Guid? OwnerOrganisationId { get; set; }

    public string? ConfidentialTo { get; set; }
}

/// <summary>
/// Imports consignments from CSV, in one of two layouts recognised by the header: UNRWA's "Gaza Supplies and Dispatch
/// Tracking" as published (one row per truck, each received in Gaza on its date: stage "offloaded"), or Truceline's own
/// (the export's columns: a time per stage reached). Idempotent on the organisation's reference. With any bad row
/// nothing is imported unless <see cref="Options.Partial"/>. Rows are written in bulk; one audited import record
/// names the file (with its SHA-256) and every row carries its id.
/// </summary>
public static class ImportConsignments
{
    public sealed record Options(bool Partial = false, bool Simulated = false);

    public sealed record RowError(long Row, string Field, string Message);

    public sealed record Result(int Imported, int AlreadyPresent, int UnknownCrossings, IReadOnlyList<RowError> Errors, bool Committed, string Layout);

    private const int MaxErrorsListed = 1000;
    private const int Batch = 5000;

    internal sealed record Row(Consignment Consignment, ConsignmentLine Line1, List<ConsignmentEvent> Events);

    public static async Task<Result> RunAsync(TrucelineDb db, Stream csv, string fileName, Options options, TimeProvider time,
        IProgress<long>? progress = null, CancellationToken ct = default)
    {
        var errors = new List<RowError>();
        if (db.Viewer.OrganisationId is not { } organisationId)
        {
            errors.Add(new RowError(0, "organisation", "imports are made by a member of an organisation (the rows become its consignments)"));
            return new Result(0, 0, 0, errors, false, "");
        }
        var now = time.GetUtcNow().UtcDateTime;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        await using var hashing = new HashingStream(csv, hash);
        using var reader = new StreamReader(hashing, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: false);
        var parser = new CsvReader(reader, maxFieldLength: 10_000, maxFields: 100);
        // Inside a caller's transaction (the demo loader) the import joins it; otherwise it holds the writer lock itself.
        await using var tx = db.Database.CurrentTransaction is null ? await Writes.BeginAsync(db, ct) : null;
        var crossings = await AidLookups.CrossingsAsync(db, ct);
        var governorates = (await db.Zones.Where(z => z.Kind == Geo.ZoneKind.Governorate).Select(z => z.Code).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var existing = (await db.Consignments.IgnoreQueryFilters().Where(c => c.OwnerOrganisationId == organisationId).Select(c => c.Reference).ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        var agreementId = await Plans.DefaultAgreement.IdAsync(db, ct);
        var import = new AidImport
        {
            FileName = Path.GetFileName(fileName), Sha256 = "", Layout = "", ImportedAt = now, ImportedBy = db.Viewer.Name,
            OwnerOrganisationId = organisationId, ConfidentialTo = RegisterConsignment.Confidentiality,
        };
        var writer = new Writer(db);
        var rollup = new AidRollup();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var enteredDays = new HashSet<DateOnly>();
        int imported = 0, already = 0, unknownCrossings = 0;
        var layout = "";
        try
        {
            var header = parser.Read();
            if (header is null)
            {
                errors.Add(new RowError(1, "header", "the file is empty"));
                return new Result(0, 0, 0, errors, false, "");
            }
            var columns = header.Select((h, i) => (Name: h.Trim().TrimStart('\uFEFF').ToLowerInvariant(), i))
                .GroupBy(c => c.Name).ToDictionary(g => g.Key, g => g.First().i, StringComparer.Ordinal);
            ConsignmentCsv.Layout? chosen = ConsignmentCsv.Choose(columns.Keys);
            if (chosen is null)
            {
                errors.Add(new RowError(1, "header", "neither UNRWA's layout (ID, No. of Trucks, Received Date, Crossing, Cargo Category, …) "
                    + "nor Truceline's (reference, crossing, trucks, category, … with a time column per stage)"));
                return new Result(0, 0, 0, errors, false, "");
            }
            layout = import.Layout = chosen.Name;
            // Written first so every row's import_id has something to point at; its totals are set when the file is done.
            db.AidImports.Add(import);
            await db.SaveChangesAsync(ct);
            var context = new ConsignmentCsv.Context(organisationId, import.Id, agreementId, db.Viewer.Name, now, options.Simulated,
                text => AidLookups.Match(crossings, text), governorates);
            while (parser.Read() is { } record)
            {
                ct.ThrowIfCancellationRequested();
                var line = parser.Line;
                if (record.Count == 1 && record[0].Length == 0)
                {
                    continue;
                }
                string? Field(string name) => columns.TryGetValue(name, out var i) && i < record.Count && !string.IsNullOrWhiteSpace(record[i]) ? record[i].Trim() : null;
                var before = errors.Count;
                var row = chosen.Parse(Field, line, context, (field, message) => errors.Add(new RowError(line, field, message)));
                progress?.Report(hashing.Position);
                if (row is null || errors.Count > before)
                {
                    continue;
                }
                if (!seen.Add(row.Consignment.Reference))
                {
                    errors.Add(new RowError(line, chosen.ReferenceColumn, $"'{row.Consignment.Reference}' appears twice in the file"));
                    continue;
                }
                if (existing.Contains(row.Consignment.Reference))
                {
                    already++;
                    continue;
                }
                if (row.Consignment.CrossingZoneId is null)
                {
                    unknownCrossings++;
                }
                imported++;
                if (options.Partial || errors.Count == 0)
                {
                    writer.Add(row);
                    foreach (var e in row.Events)
                    {
                        rollup.Add(row.Consignment, e);
                        if (e.Stage == ConsignmentStage.Offloaded)
                        {
                            enteredDays.Add(DateOnly.FromDateTime(e.At));
                        }
                    }
                    if (writer.Pending >= Batch)
                    {
                        await writer.FlushAsync(ct);
                    }
                }
            }
        }
        catch (DecoderFallbackException)
        {
            errors.Add(new RowError(parser.Line, "row", "not valid UTF-8 (save the file as UTF-8)"));
        }
        catch (CsvFormatException e)
        {
            errors.Add(new RowError(e.Line, "row", e.Message));
        }
        var commit = (errors.Count == 0 || options.Partial) && imported > 0;
        if (commit)
        {
            await writer.FlushAsync(ct);
            import.Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            import.Imported = imported;
            import.AlreadyPresent = already;
            // In the same transaction as the rows: simulated records never exist without the figures saying so.
            if (options.Simulated && !await db.Settings.AnyAsync(s => s.Key == AidFeeds.SimulatedKey, ct))
            {
                db.Settings.Add(new Setting { Key = AidFeeds.SimulatedKey, Value = "true" });
            }
            await db.SaveChangesAsync(ct);
            await rollup.FlushAsync(db, ct);
            await Transparency.Publications.AidDaysChangedAsync(db, enteredDays, now, ct);
            if (tx is not null)
            {
                await tx.CommitAsync(ct);
            }
        }
        else if (tx is not null)
        {
            await tx.RollbackAsync(ct);
        }
        var committed = commit || (errors.Count == 0 && imported == 0);
        return new Result(commit ? imported : 0, already, unknownCrossings, errors.Take(MaxErrorsListed).ToList(), committed, layout);
    }

    private sealed class Writer(TrucelineDb db)
    {
        private readonly BulkInsert _consignments = new(db, "consignments",
        [
            "id", "reference", "organisation_name", "crossing", "crossing_zone_id", "destination_governorate", "recipient", "donor", "category",
            "trucks", "tonnes", "pallets", "stage", "stage_at", "reason", "created_at", "created_by", "import_id", "simulated", "agreement_id",
            "classification", "owner_organisation_id", "confidential_to",
        ]);
        private readonly BulkInsert _lines = new(db, "consignment_lines",
            ["id", "consignment_id", "ordinal", "category", "description", "quantity", "unit", "pallets", "tonnes", "classification", "owner_organisation_id", "confidential_to"]);
        private readonly BulkInsert _events = new(db, "consignment_events", ConsignmentEvent.BulkColumns);

        public int Pending => _consignments.Pending;

        public void Add(Row row)
        {
            var c = row.Consignment;
            _consignments.Add(c.Id, c.Reference, c.OrganisationName, c.Crossing, c.CrossingZoneId, c.DestinationGovernorate, c.Recipient, c.Donor, c.Category,
                c.Trucks, c.Tonnes, c.Pallets, c.Stage, c.StageAt, c.Reason, c.CreatedAt, c.CreatedBy, c.ImportId, c.Simulated, c.AgreementId,
                c.Classification, c.OwnerOrganisationId, c.ConfidentialTo);
            var l = row.Line1;
            _lines.Add(l.Id, l.ConsignmentId, l.Ordinal, l.Category, l.Description, l.Quantity, l.Unit, l.Pallets, l.Tonnes, l.Classification, l.OwnerOrganisationId, l.ConfidentialTo);
            foreach (var e in row.Events)
            {
                _events.Add(e.BulkValues());
            }
        }

        public async Task FlushAsync(CancellationToken ct)
        {
            await _consignments.FlushAsync(ct);
            await _lines.FlushAsync(ct);
            await _events.FlushAsync(ct);
        }
    }

    /// <summary>Reads through to the inner stream, hashing what passes, and counts bytes for the progress bar.</summary>
    private sealed class HashingStream(Stream inner, IncrementalHash hash) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            hash.AppendData(buffer[..n]);
            _position += n;
            return n;
        }
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            hash.AppendData(buffer.Span[..n]);
            _position += n;
            return n;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
