using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Truceline.Common;

namespace Truceline.Data;

/// <summary>
/// A write that reads state and decides on it (is this dependency a cycle? which ordinal is next?) must hold
/// the writer lock from before it reads until it commits, or two requests decide on the same state.
/// SQLite: Microsoft.Data.Sqlite begins IMMEDIATE, taking the database's write lock at BEGIN; writers of one process
/// first queue at a gate of their own (see <see cref="WriterGate"/>).
/// PostgreSQL: a transaction-scoped advisory lock, the same one the audit chain takes (re-entrant in a session).
/// </summary>
public static class Writes
{
    public const string LockSql = "SELECT pg_advisory_xact_lock(7411)";

    public static async Task<IDbContextTransaction> BeginAsync(TrucelineDb db, CancellationToken ct = default)
    {
        var gate = db.IsPostgres ? null : await WriterGate.EnterAsync(db.Target ?? "", ct);
        try
        {
            var tx = await db.Database.BeginTransactionAsync(ct);
            if (db.IsPostgres)
            {
                await db.Database.ExecuteSqlRawAsync(LockSql, ct);
            }
            return gate is null ? tx : new GatedTransaction(tx, gate);
        }
        catch
        {
            gate?.Release();
            throw;
        }
    }

    /// <summary>As <see cref="BeginAsync"/>, for the synchronous SaveChanges.</summary>
    public static IDbContextTransaction Begin(TrucelineDb db)
    {
        var gate = db.IsPostgres ? null : WriterGate.Enter(db.Target ?? "");
        try
        {
            var tx = db.Database.BeginTransaction();
            if (db.IsPostgres)
            {
                db.Database.ExecuteSqlRaw(LockSql);
            }
            return gate is null ? tx : new GatedTransaction(tx, gate);
        }
        catch
        {
            gate?.Release();
            throw;
        }
    }

    /// <summary>Runs a use case under the writer lock: commits when it succeeds, rolls back when it fails.
    /// Inside a transaction the caller already holds, it joins that one.</summary>
    public static async Task<Outcome<T>> InTransactionAsync<T>(TrucelineDb db, Func<Task<Outcome<T>>> work, CancellationToken ct = default)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            if (db.IsPostgres)
            {
                await db.Database.ExecuteSqlRawAsync(LockSql, ct);
            }
            return await work();
        }
        await using var tx = await BeginAsync(db, ct);
        var result = await work();
        if (result.Succeeded)
        {
            await tx.CommitAsync(ct);
        }
        return result;
    }
}

/// <summary>
/// The writers of one process to one SQLite file queue here before they BEGIN. SQLite would make them wait too, but
/// Microsoft.Data.Sqlite answers a busy database by blocking the thread for 150 ms and trying again: behind a grouping
/// batch of 80 ms, a report waited at least 150 ms, and the writer stalled with it. Here a writer goes in the moment the
/// one before it commits. Writers in other processes (the console) still meet SQLite's own lock.
/// </summary>
public static class WriterGate
{
    /// <summary>A database's gate, and how many writers so far found it taken and queued for it.</summary>
    private sealed class Gate
    {
        public readonly SemaphoreSlim Semaphore = new(1, 1);
        public long Queued;
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Gate> Gates = new();

    // As long as a SQLite command waits for a busy database (DatabaseTarget's DefaultTimeout) before it gives up.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static async Task<SemaphoreSlim> EnterAsync(string database, CancellationToken ct)
    {
        var gate = Gates.GetOrAdd(database, _ => new Gate());
        var entering = gate.Semaphore.WaitAsync(Patience, ct);
        if (!entering.IsCompleted)
        {
            Interlocked.Increment(ref gate.Queued);
        }
        return await entering ? gate.Semaphore : throw TimedOut();
    }

    public static SemaphoreSlim Enter(string database)
    {
        var gate = Gates.GetOrAdd(database, _ => new Gate());
        if (gate.Semaphore.Wait(0))
        {
            return gate.Semaphore;
        }
        Interlocked.Increment(ref gate.Queued);
        return gate.Semaphore.Wait(Patience) ? gate.Semaphore : throw TimedOut();
    }

    /// <summary>How many writers so far found this database's gate taken and queued for it: a background writer that
    /// sees the count unchanged over its last write knows no one waited for it, and need not stand aside.</summary>
    public static long QueuedSoFar(string database) => Interlocked.Read(ref Gates.GetOrAdd(database, _ => new Gate()).Queued);

    private static TimeoutException TimedOut() =>
        new($"Waited {Patience.TotalSeconds:0} s for another write to this database to finish; is a transaction left open?");
}

/// <summary>A transaction that lets the next writer through the gate once it is committed, rolled back or disposed.</summary>
internal sealed class GatedTransaction(IDbContextTransaction inner, SemaphoreSlim gate) : IDbContextTransaction
{
    private int _released;

    public Guid TransactionId => inner.TransactionId;

    // A failed commit keeps the gate: the transaction may still hold SQLite's lock until it is rolled back or disposed.
    public void Commit()
    {
        inner.Commit();
        Release();
    }

    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        await inner.CommitAsync(cancellationToken);
        Release();
    }

    public void Rollback()
    {
        try
        {
            inner.Rollback();
        }
        finally
        {
            Release();
        }
    }

    public async Task RollbackAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await inner.RollbackAsync(cancellationToken);
        }
        finally
        {
            Release();
        }
    }

    public void Dispose()
    {
        try
        {
            inner.Dispose();
        }
        finally
        {
            Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await inner.DisposeAsync();
        }
        finally
        {
            Release();
        }
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            gate.Release();
        }
    }
}
