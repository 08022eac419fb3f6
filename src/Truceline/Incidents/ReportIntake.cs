using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Incidents;

/// <summary>
/// Group commit for report intake: concurrent submissions queue here, and one writer per node stores as many as are
/// waiting (up to <see cref="MaxBatch"/>) in one transaction — one idempotency query, one audit link read, one fsync —
/// then answers each. A request is acknowledged only when its batch has committed. If a batch fails (another node
/// stored the same client id in between, say), its reports are stored one by one so each gets its own answer.
/// </summary>
public sealed class ReportIntake : IAsyncDisposable
{
    public const int MaxBatch = 256;

    private readonly DatabaseTarget _database;
    private readonly TimeProvider _time;
    private readonly GroupCommit<Report, Outcome<SubmitReport.Result>> _writer;

    public ReportIntake(DatabaseTarget database, TimeProvider time)
    {
        _database = database;
        _time = time;
        _writer = new GroupCommit<Report, Outcome<SubmitReport.Result>>(MaxBatch, CommitAsync, OneAsync);
    }

    public Task<Outcome<SubmitReport.Result>> StoreAsync(Report report) => _writer.StoreAsync(report);

    private TrucelineDb Open()
    {
        var db = _database.CreateContext(_time);
        db.Viewer = Viewer.System("intake");
        return db;
    }

    private async Task<IReadOnlyList<Outcome<SubmitReport.Result>>> CommitAsync(IReadOnlyList<Report> batch)
    {
        await using var db = Open();
        await using var tx = await Writes.BeginAsync(db);
        var clientIds = batch.Where(r => r.ClientId is not null).Select(r => r.ClientId!).Distinct().ToList();
        var earlier = clientIds.Count == 0 ? [] : await db.Reports.IgnoreQueryFilters().AsNoTracking()
            .Where(r => r.ClientId != null && clientIds.Contains(r.ClientId)).ToListAsync();
        var known = earlier.ToDictionary(r => (r.Channel, r.ClientId!));
        var answers = new List<Outcome<SubmitReport.Result>>(batch.Count);
        foreach (var report in batch)
        {
            if (report.ClientId is { } id && known.TryGetValue((report.Channel, id), out var first))
            {
                // A retry (or a twin in this batch): the first report, nothing stored; another submitter's id is refused.
                answers.Add(first.SubmittedByUserId != report.SubmittedByUserId
                    ? SubmitReport.ClientIdTaken(id)
                    : new Outcome<SubmitReport.Result>(new SubmitReport.Result(first, false), null));
                continue;
            }
            db.Reports.Add(report);
            if (report.ClientId is { } newId)
            {
                known[(report.Channel, newId)] = report;
            }
            answers.Add(new Outcome<SubmitReport.Result>(new SubmitReport.Result(report, true), null));
        }
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        return answers;
    }

    private async Task<Outcome<SubmitReport.Result>> OneAsync(Report report)
    {
        await using var db = Open();
        return await SubmitReport.StoreAsync(db, report);
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync(); // answers everything already queued before the process ends
}
