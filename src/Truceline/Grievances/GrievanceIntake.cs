using System.Threading.Channels;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Grievances;

/// <summary>
/// Group commit for the public complaint page, as for report intake (ADR-007): complaints checked and encrypted by
/// their requests queue here, and one writer stores as many as are waiting (up to <see cref="MaxBatch"/>) in one
/// transaction — one audit link read, one fsync — then answers each. The complainant sees the tracking code only once
/// the batch holding the complaint has committed. If a batch fails, its complaints are stored one by one.
/// </summary>
public sealed class GrievanceIntake : IAsyncDisposable
{
    public const int MaxBatch = 256;

    private sealed record Pending(SubmitGrievance.Prepared Prepared, TaskCompletionSource<Outcome<SubmitGrievance.Receipt>> Done);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly DatabaseTarget _database;
    private readonly TimeProvider _time;
    private readonly Task _writer;

    public GrievanceIntake(DatabaseTarget database, TimeProvider time)
    {
        _database = database;
        _time = time;
        _writer = Task.Run(WriteAsync);
    }

    public Task<Outcome<SubmitGrievance.Receipt>> StoreAsync(SubmitGrievance.Prepared prepared)
    {
        var pending = new Pending(prepared, new TaskCompletionSource<Outcome<SubmitGrievance.Receipt>>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("Complaint intake is shutting down.");
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
                await using var db = Open();
                await using var tx = await Writes.BeginAsync(db);
                foreach (var p in batch)
                {
                    db.Grievances.Add(p.Prepared.Grievance);
                    db.GrievanceEvents.Add(p.Prepared.Received);
                }
                await db.SaveChangesAsync();
                await tx.CommitAsync();
                foreach (var p in batch)
                {
                    p.Done.TrySetResult(p.Prepared.Receipt);
                }
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
        // The public's complaints: the audit trail names the channel, not a person.
        db.Viewer = Viewer.System("complaint page");
        return db;
    }

    private async Task OneByOneAsync(List<Pending> batch)
    {
        foreach (var p in batch)
        {
            try
            {
                await using var db = Open();
                await using var tx = await Writes.BeginAsync(db);
                db.Grievances.Add(p.Prepared.Grievance);
                db.GrievanceEvents.Add(p.Prepared.Received);
                await db.SaveChangesAsync();
                await tx.CommitAsync();
                p.Done.TrySetResult(p.Prepared.Receipt);
            }
            catch (Exception e)
            {
                p.Done.TrySetException(e); // not acknowledged: no code was shown, and the complainant may send again
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer; // answer everything already queued before the process ends
    }
}
