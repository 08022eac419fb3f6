using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Truceline.Common;

namespace Truceline.Data;

/// <summary>
/// A write that reads state and decides on it (is this dependency a cycle? which ordinal is next?) must hold
/// the writer lock from before it reads until it commits, or two requests decide on the same state.
/// SQLite: Microsoft.Data.Sqlite begins IMMEDIATE, taking the database's write lock at BEGIN.
/// PostgreSQL: a transaction-scoped advisory lock, the same one the audit chain takes (re-entrant in a session).
/// </summary>
public static class Writes
{
    public const string LockSql = "SELECT pg_advisory_xact_lock(7411)";

    public static async Task<IDbContextTransaction> BeginAsync(TrucelineDb db, CancellationToken ct = default)
    {
        var tx = await db.Database.BeginTransactionAsync(ct);
        if (db.IsPostgres)
        {
            await db.Database.ExecuteSqlRawAsync(LockSql, ct);
        }
        return tx;
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
