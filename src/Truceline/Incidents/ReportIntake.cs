using System.Threading.Channels;
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

    private sealed record Pending(Report Report, TaskCompletionSource<Outcome<SubmitReport.Result>> Done);

    private readonly Channel<Pending> _queue = System.Threading.Channels.Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly DatabaseTarget _database;
    private readonly TimeProvider _time;
    private readonly Task _writer;

    public ReportIntake(DatabaseTarget database, TimeProvider time)
    {
        _database = database;
        _time = time;
        _writer = Task.Run(WriteAsync);
    }

    public Task<Outcome<SubmitReport.Result>> StoreAsync(Report report)
    {
        var pending = new Pending(report, new TaskCompletionSource<Outcome<SubmitReport.Result>>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("Intake is shutting down.");
        }
        return pending.Done.Task;
    }

    private async Task WriteAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }
            try
            {
                await CommitAsync(batch);
            }
            catch (Exception)
            {
                await OneByOneAsync(batch);
            }
            batch.Clear();
        }
    }

    private TrucelineDb Open()
    {
        var db = _database.CreateContext(_time);
        db.Viewer = Viewer.System("intake");
        return db;
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        await using var db = Open();
        await using var tx = await Writes.BeginAsync(db);
        var clientIds = batch.Where(p => p.Report.ClientId is not null).Select(p => p.Report.ClientId!).Distinct().ToList();
        var earlier = clientIds.Count == 0 ? [] : await db.Reports.IgnoreQueryFilters().AsNoTracking()
            .Where(r => r.ClientId != null && clientIds.Contains(r.ClientId)).ToListAsync();
        var known = earlier.ToDictionary(r => (r.Channel, r.ClientId!));
        var answers = new List<(Pending Pending, Report Report, bool Created)>(batch.Count);
        foreach (var p in batch)
        {
            if (p.Report.ClientId is { } id && known.TryGetValue((p.Report.Channel, id), out var first))
            {
                if (first.SubmittedByUserId != p.Report.SubmittedByUserId)
                {
                    p.Done.TrySetResult(SubmitReport.ClientIdTaken(id));
                    continue;
                }
                answers.Add((p, first, false)); // a retry (or a twin in this batch): the first report, nothing stored
                continue;
            }
            db.Reports.Add(p.Report);
            if (p.Report.ClientId is { } newId)
            {
                known[(p.Report.Channel, newId)] = p.Report;
            }
            answers.Add((p, p.Report, true));
        }
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        foreach (var (p, report, created) in answers)
        {
            p.Done.TrySetResult(new Outcome<SubmitReport.Result>(new SubmitReport.Result(report, created), null));
        }
    }

    private async Task OneByOneAsync(List<Pending> batch)
    {
        foreach (var p in batch)
        {
            try
            {
                await using var db = Open();
                p.Done.TrySetResult(await SubmitReport.StoreAsync(db, p.Report));
            }
            catch (Exception e)
            {
                p.Done.TrySetException(e); // not acknowledged: the client sees an error and may retry with the same client id
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer; // answer everything already queued before the process ends
    }
}
