using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Incidents;

/// <summary>
/// Group commit for report intake: concurrent submissions queue here, and one writer per node stores as many as are
/// waiting (up to <see cref="MaxBatch"/>) in one transaction — no idempotency query unless a client id is already stored, one audit link read, one fsync —
/// then answers each. A request is acknowledged only when its batch has committed. If a batch fails (another node
/// stored the same client id in between, say), its reports are stored one by one so each gets its own answer.
/// Reports arrive placed against the zones as this node last loaded them; each batch reads the zones' version in its
/// transaction and places again any report placed with another, so no report is stored against superseded zones.
/// </summary>
public sealed class ReportIntake : IAsyncDisposable
{
    public const int MaxBatch = 256;

    private readonly DatabaseTarget _database;
    private readonly TimeProvider _time;
    private readonly Geo.ZoneCatalog _zones;
    private readonly GroupCommit<Placed, Outcome<SubmitReport.Result>> _writer;

    /// <summary>A report placed against the zones of the given version, with the changes its audit entry will record
    /// (described before the writer, which has only to chain and write them).</summary>
    private sealed record Placed(Report Report, string ZonesVersion, string Changes);

    public ReportIntake(DatabaseTarget database, TimeProvider time, Geo.ZoneCatalog zones)
    {
        _database = database;
        _time = time;
        _zones = zones;
        _writer = new GroupCommit<Placed, Outcome<SubmitReport.Result>>(MaxBatch, CommitAsync, OneAsync);
    }

    /// <param name="db">The caller's context, to describe the report for its audit entry outside the writer.</param>
    /// <param name="zonesVersion">The version of the zones the report was placed with (<see cref="SubmitReport.Place"/>).</param>
    public Task<Outcome<SubmitReport.Result>> StoreAsync(TrucelineDb db, Report report, string zonesVersion) =>
        _writer.StoreAsync(new Placed(report, zonesVersion, Audit.AuditInterceptor.CreatedChanges(db, report)));

    private TrucelineDb Open()
    {
        var db = _database.CreateContext(_time);
        db.Viewer = Viewer.System("intake");
        return db;
    }

    /// <summary>Places again, against the zones stored now, each report placed with another version (whose audit entry is
    /// then described again); a report now outside the area is refused.</summary>
    private async Task<(Failure?[] Failures, bool[] Placed)> PlaceAgainAsync(TrucelineDb db, IReadOnlyList<Placed> batch)
    {
        var failures = new Failure?[batch.Count];
        var again = new bool[batch.Count];
        var stored = await Geo.ZoneCatalog.StoredVersionAsync(db);
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].ZonesVersion != stored)
            {
                if (_zones.Version != stored)
                {
                    await _zones.CurrentAsync(db);
                }
                failures[i] = SubmitReport.Place(batch[i].Report, _zones).Failure;
                again[i] = true;
            }
        }
        return (failures, again);
    }

    /// <summary>
    /// Stores the reports a client sent together (<see cref="SubmitReports"/>) in one transaction of their own, or none
    /// of them: if any is refused (placed outside the area against zones changed since, or a client id another account
    /// used), nothing is stored and the answers say which.
    /// </summary>
    public Task<IReadOnlyList<Outcome<SubmitReport.Result>>> StoreAllAsync(TrucelineDb db, IReadOnlyList<Report> reports, string zonesVersion) =>
        WriteAsync(reports.Select(r => new Placed(r, zonesVersion, Audit.AuditInterceptor.CreatedChanges(db, r))).ToList(), allOrNothing: true);

    private Task<IReadOnlyList<Outcome<SubmitReport.Result>>> CommitAsync(IReadOnlyList<Placed> placed) => WriteAsync(placed, allOrNothing: false);

    /// <summary>The unique index that makes a client id idempotent per channel (migration 0006).</summary>
    private const string ClientIdIndex = "(channel, client_id) WHERE client_id IS NOT NULL";

    /// <param name="allOrNothing">Commits only if every report is stored or is a retry; otherwise rolls back.</param>
    private async Task<IReadOnlyList<Outcome<SubmitReport.Result>>> WriteAsync(IReadOnlyList<Placed> placed, bool allOrNothing)
    {
        await using var db = Open();
        await using var tx = await Writes.BeginAsync(db);
        var (outside, placedAgain) = await PlaceAgainAsync(db, placed);
        var answers = new Outcome<SubmitReport.Result>[placed.Count]; // every one set below
        var candidates = new List<int>(placed.Count);
        for (var i = 0; i < placed.Count; i++)
        {
            if (outside[i] is { } failure)
            {
                answers[i] = failure;
            }
            else
            {
                candidates.Add(i);
            }
        }
        // Written with one prepared statement and audited in bulk (the entries the interceptor writes for a report added
        // through the context): saving a batch through the context cost more than everything else the writer does. A
        // client id already stored (a retry, a twin in this batch, another account's) is skipped by the insert itself,
        // so a batch of new reports costs no lookup; only the skipped ones are read back, to answer them.
        var inserted = await BulkWrite.InsertNewAsync(db, candidates.Select(i => placed[i].Report).ToList(), ClientIdIndex, CancellationToken.None);
        var skipped = candidates.Where((_, k) => !inserted[k]).ToList();
        var first = new Dictionary<(Channel, string), Report>();
        if (skipped.Count > 0)
        {
            // By channel and client id, so the lookup seeks the unique index on both rather than scanning it.
            var channels = skipped.Select(i => placed[i].Report.Channel).Distinct().ToList();
            var clientIds = skipped.Select(i => placed[i].Report.ClientId!).Distinct().ToList();
            first = (await db.Reports.IgnoreQueryFilters().AsNoTracking()
                .Where(r => channels.Contains(r.Channel) && r.ClientId != null && clientIds.Contains(r.ClientId)).ToListAsync())
                .ToDictionary(r => (r.Channel, r.ClientId!));
        }
        var stored = new List<Report>(candidates.Count);
        var changes = new List<string>(candidates.Count);
        for (var k = 0; k < candidates.Count; k++)
        {
            var i = candidates[k];
            var report = placed[i].Report;
            if (inserted[k])
            {
                stored.Add(report);
                changes.Add(placedAgain[i] ? Audit.AuditInterceptor.CreatedChanges(db, report) : placed[i].Changes);
                answers[i] = new Outcome<SubmitReport.Result>(new SubmitReport.Result(report, true), null);
                continue;
            }
            // A retry (or a twin in this batch): the first report, nothing stored; another submitter's id is refused.
            var earlier = first[(report.Channel, report.ClientId!)];
            answers[i] = earlier.SubmittedByUserId != report.SubmittedByUserId
                ? SubmitReport.ClientIdTaken(report.ClientId!)
                : new Outcome<SubmitReport.Result>(new SubmitReport.Result(earlier, false), null);
        }
        if (allOrNothing && answers.Any(a => !a.Succeeded))
        {
            return answers; // rolled back as the transaction is disposed
        }
        var at = Audit.AuditChain.Truncate(_time.GetUtcNow().UtcDateTime);
        await Audit.AuditBulk.AppendAsync(db, stored.Select((r, i) => Audit.AuditInterceptor.Created(db, r, at, changes[i])).ToList(), CancellationToken.None);
        await tx.CommitAsync();
        return answers;
    }

    private async Task<Outcome<SubmitReport.Result>> OneAsync(Placed placed)
    {
        await using var db = Open();
        // Outside the writer's transaction, so the zones could change before the insert below: as if this report had
        // arrived a moment before the import, which it may as well have.
        return (await PlaceAgainAsync(db, [placed])).Failures[0] ?? await SubmitReport.StoreAsync(db, placed.Report);
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync(); // answers everything already queued before the process ends
}
