using Microsoft.Data.Sqlite;

namespace Truceline.Data;

/// <summary>
/// Copies SQLite's write-ahead log into the database file from a connection of its own (a "checkpoint" in SQLite's
/// words), so that writers' commits need not. Left to SQLite, the commit that takes the log past 1,000 pages copies
/// it, while its writer still holds the gate: timed on a store of 440,000 reports, that was 84 ms of a grouping batch's
/// 196 ms under the writer, every batch, and every writer queued behind it waited too (ADR-018).
/// </summary>
public static class WalCopier
{
    /// <summary>Pages a writer's own commit lets the log reach before it copies it itself, as SQLite does by default
    /// at 1,000. A server copies long before (<see cref="Interval"/>); a console command, which has no copier, writes
    /// at most this much between copies (40 MB of 4 KiB pages), and SQLite copies the rest when it closes the file.</summary>
    public const int BackstopPages = 10_000;

    /// <summary>How often a server copies what was committed since (a copy of nothing costs a read of the log's index).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// One passive copy: as much of the log as no reader still needs, without waiting for any reader or writer, so a
    /// writer may commit meanwhile. Once the whole log is copied the next commit writes the log from its start again,
    /// and the file stops growing.
    /// </summary>
    public static void CopyOnce(string connectionString)
    {
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        // The copy syncs the log before and the database file after copying, at FULL as on every writer's connection.
        command.CommandText = "PRAGMA synchronous=FULL; PRAGMA wal_checkpoint(PASSIVE);";
        command.ExecuteNonQuery();
    }
}
