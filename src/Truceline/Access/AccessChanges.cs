using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Truceline.Data;

namespace Truceline.Access;

/// <summary>
/// Who may use the API, and as what, changes rarely (a token created or revoked, a user disabled or given another
/// role, an organisation made a party) and is checked on every request. Two counts say when it has changed, so a server
/// can keep what it read until then: one kept by the database (migration 0024: triggers on users, organisations and
/// api_tokens, whoever makes the change: another node, the command line in another process), and one kept in this
/// process, moved when a change made through a context of this process commits, so this process need not wait for its
/// next read of the first to see its own change.
/// </summary>
public static class AccessChanges
{
    private static readonly ConcurrentDictionary<string, long> CommittedHere = new();

    /// <summary>Changes committed through contexts of this process, per database (its connection string).</summary>
    public static long Here(string target) => CommittedHere.GetValueOrDefault(target);

    internal static void Committed(string target) => CommittedHere.AddOrUpdate(target, 1, (_, n) => n + 1);

    /// <summary>Whether saving the entity changes who may use the API or as what.</summary>
    internal static bool Concerns(object entity) => entity is User or Organisation or ApiToken;

    /// <summary>The count the database keeps.</summary>
    public static long Stored(TrucelineDb db) =>
        db.Database.SqlQueryRaw<long>("SELECT count AS \"Value\" FROM access_changes WHERE id = 1").Single();
}
