using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Grievances;

/// <summary>
/// Group commit for the public complaint page, as for report intake (<see cref="GroupCommit{TItem, TResult}"/>):
/// complaints checked and encrypted by their requests are stored as many per transaction as are waiting. The
/// complainant sees the tracking code only once the commit holding the complaint is done.
/// </summary>
public sealed class GrievanceIntake : IAsyncDisposable
{
    public const int MaxBatch = 256;

    private readonly DatabaseTarget _database;
    private readonly TimeProvider _time;
    private readonly GroupCommit<SubmitGrievance.Prepared, Outcome<SubmitGrievance.Receipt>> _writer;

    public GrievanceIntake(DatabaseTarget database, TimeProvider time)
    {
        _database = database;
        _time = time;
        _writer = new GroupCommit<SubmitGrievance.Prepared, Outcome<SubmitGrievance.Receipt>>(MaxBatch, batch => StoreAsync(batch), async p => (await StoreAsync([p]))[0]);
    }

    public Task<Outcome<SubmitGrievance.Receipt>> StoreAsync(SubmitGrievance.Prepared prepared) => _writer.StoreAsync(prepared);

    private async Task<IReadOnlyList<Outcome<SubmitGrievance.Receipt>>> StoreAsync(IReadOnlyList<SubmitGrievance.Prepared> batch)
    {
        await using var db = _database.CreateContext(_time);
        // The public's complaints: the audit trail names the channel, not a person.
        db.Viewer = Viewer.System("complaint page");
        await using var tx = await Writes.BeginAsync(db);
        foreach (var p in batch)
        {
            db.Grievances.Add(p.Grievance);
            db.GrievanceEvents.Add(p.Received);
        }
        await db.SaveChangesAsync();
        await tx.CommitAsync();
        return batch.Select(p => new Outcome<SubmitGrievance.Receipt>(p.Receipt, null)).ToList();
    }

    public ValueTask DisposeAsync() => _writer.DisposeAsync(); // answers everything already queued before the process ends
}
