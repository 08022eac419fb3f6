using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Truceline.Data;

/// <summary>
/// Applies the hand-written SQL migrations in Data/Migrations/{provider}/NNNN_name.sql, in order, each in
/// its own transaction, recording them in schema_migrations. See docs/decisions/ADR-002-migrations.md.
/// </summary>
public static class Migrator
{
    public sealed record Migration(int Version, string Name, string Sql);

    public sealed record Report(int From, int To, IReadOnlyList<string> Applied);

    public static IReadOnlyList<Migration> All(DbProvider provider)
    {
        var folder = provider == DbProvider.Sqlite ? "sqlite" : "postgres";
        var assembly = typeof(Migrator).Assembly;
        var prefix = $"{assembly.GetName().Name}.Data.Migrations.{folder}.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n =>
            {
                var file = n[prefix.Length..^4];
                var version = int.Parse(file[..4], CultureInfo.InvariantCulture);
                using var reader = new StreamReader(assembly.GetManifestResourceStream(n)!);
                return new Migration(version, file, reader.ReadToEnd());
            })
            .OrderBy(m => m.Version)
            .ToList();
    }

    public static int Latest(DbProvider provider) => All(provider)[^1].Version;

    /// <summary>Upgrades the database in place to <paramref name="targetVersion"/> (default: the latest).</summary>
    public static async Task<Report> MigrateAsync(DatabaseTarget target, int? targetVersion = null, CancellationToken ct = default)
    {
        if (target.Provider == DbProvider.Postgres)
        {
            await EnsurePostgresDatabaseAsync(target.ConnectionString, ct);
        }
        await using var connection = Open(target);
        await connection.OpenAsync(ct);
        if (target.Provider == DbProvider.Sqlite)
        {
            await ExecAsync(connection, null, "PRAGMA journal_mode=WAL;", ct);
        }
        else
        {
            // Two nodes starting together: one migrates, the other waits and then finds nothing to do.
            await ExecAsync(connection, null, "SELECT pg_advisory_lock(7410);", ct);
        }
        try
        {
            await ExecAsync(connection, null,
                "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL);", ct);
            var current = await CurrentVersionAsync(connection, ct);
            // Every migration not yet recorded, in order: one merged from a branch with a lower number still applies.
            var done = await AppliedVersionsAsync(connection, ct);
            var applied = new List<string>();
            foreach (var m in All(target.Provider).Where(m => !done.Contains(m.Version) && m.Version <= (targetVersion ?? int.MaxValue)))
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                await ExecAsync(connection, tx, m.Sql, ct);
                await using (var record = connection.CreateCommand())
                {
                    record.Transaction = tx;
                    record.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @a)";
                    AddParam(record, "@v", m.Version);
                    AddParam(record, "@n", m.Name);
                    AddParam(record, "@a", TimeProvider.System.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
                    await record.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
                applied.Add(m.Name);
            }
            if (target.Provider == DbProvider.Sqlite)
            {
                // The query planner's statistics, as SQLite advises at each start: without them it cannot tell that a
                // filter on an incident's type keeps a sixth of a million rows, and sorts them all for one page. With
                // 0x10 the analysis samples (analysis_limit) rather than reading whole tables, so a large database
                // starts in moments.
                await ExecAsync(connection, null, "PRAGMA analysis_limit=1000; PRAGMA optimize=0x10012;", ct);
            }
            return new Report(current, await CurrentVersionAsync(connection, ct), applied);
        }
        finally
        {
            if (target.Provider == DbProvider.Postgres)
            {
                await ExecAsync(connection, null, "SELECT pg_advisory_unlock(7410);", ct);
            }
        }
    }

    public static async Task<int> CurrentVersionAsync(DatabaseTarget target, CancellationToken ct = default)
    {
        await using var connection = Open(target);
        await connection.OpenAsync(ct);
        try
        {
            return await CurrentVersionAsync(connection, ct);
        }
        catch (DbException)
        {
            return 0;
        }
    }

    private static async Task<HashSet<int>> AppliedVersionsAsync(DbConnection connection, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT version FROM schema_migrations";
        var versions = new HashSet<int>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            versions.Add(Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture));
        }
        return versions;
    }

    private static async Task<int> CurrentVersionAsync(DbConnection connection, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
    }

    private static DbConnection Open(DatabaseTarget target) => target.Provider switch
    {
        DbProvider.Sqlite => new SqliteConnection(target.ConnectionString),
        DbProvider.Postgres => new NpgsqlConnection(target.ConnectionString),
        _ => throw new ArgumentOutOfRangeException(nameof(target)),
    };

    private static async Task EnsurePostgresDatabaseAsync(string connectionString, CancellationToken ct)
    {
        var csb = new NpgsqlConnectionStringBuilder(connectionString);
        var name = csb.Database;
        if (string.IsNullOrEmpty(name))
        {
            return;
        }
        csb.Database = "postgres";
        csb.Pooling = false;
        await using var admin = new NpgsqlConnection(csb.ConnectionString);
        await admin.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @n", admin);
        exists.Parameters.AddWithValue("n", name);
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"", admin);
            try
            {
                await create.ExecuteNonQueryAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DuplicateDatabase)
            {
                // Another node created it first.
            }
        }
    }

    private static async Task ExecAsync(DbConnection connection, DbTransaction? tx, string sql, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static void AddParam(DbCommand cmd, string name, object value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value;
        cmd.Parameters.Add(p);
    }
}
