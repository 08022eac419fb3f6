using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using Truceline.Audit;

namespace Truceline.Data;

public enum DbProvider
{
    Sqlite,
    Postgres,
}

/// <summary>What <c>--db</c> names: a SQLite file path (the default) or a PostgreSQL connection string.</summary>
public sealed record DatabaseTarget(DbProvider Provider, string ConnectionString, string Display)
{
    public const string DefaultSqlitePath = "data/truceline.db";

    public static DatabaseTarget Parse(string? value)
    {
        value = string.IsNullOrWhiteSpace(value) ? DefaultSqlitePath : value.Trim();
        if (value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            var uri = new Uri(value);
            var userInfo = uri.UserInfo.Split(':', 2);
            var csb = new NpgsqlConnectionStringBuilder
            {
                Host = uri.Host,
                Port = uri.Port > 0 ? uri.Port : 5432,
                Database = uri.AbsolutePath.Trim('/'),
                Username = Uri.UnescapeDataString(userInfo[0]),
            };
            if (userInfo.Length > 1)
            {
                csb.Password = Uri.UnescapeDataString(userInfo[1]);
            }
            return new(DbProvider.Postgres, csb.ConnectionString, $"PostgreSQL {csb.Host}:{csb.Port}/{csb.Database}");
        }
        if (value.Contains("Host=", StringComparison.OrdinalIgnoreCase) || value.Contains("Server=", StringComparison.OrdinalIgnoreCase))
        {
            var csb = new NpgsqlConnectionStringBuilder(value);
            return new(DbProvider.Postgres, csb.ConnectionString, $"PostgreSQL {csb.Host}:{csb.Port}/{csb.Database}");
        }
        var path = value.StartsWith("Data Source=", StringComparison.OrdinalIgnoreCase)
            ? new SqliteConnectionStringBuilder(value).DataSource
            : value;
        var full = Path.GetFullPath(path);
        var sqlite = new SqliteConnectionStringBuilder { DataSource = full, DefaultTimeout = 30, ForeignKeys = true, Pooling = true };
        return new(DbProvider.Sqlite, sqlite.ConnectionString, $"SQLite {full}");
    }

    /// <summary>Where the key for personal data lives: never in the database. $TRUCELINE_PII_KEY_FILE, else beside a
    /// SQLite file, else data/truceline.pii.key in the working directory.</summary>
    public string PersonalDataKeyFile =>
        Environment.GetEnvironmentVariable("TRUCELINE_PII_KEY_FILE") is { Length: > 0 } configured ? configured
        : Provider == DbProvider.Sqlite ? new SqliteConnectionStringBuilder(ConnectionString).DataSource + ".pii.key"
        : Path.GetFullPath(Path.Combine("data", "truceline.pii.key"));

    /// <summary>The transparency log's signing key: beside the SQLite file, or data/ for PostgreSQL, never in the database.</summary>
    public string LogKeyFile =>
        Environment.GetEnvironmentVariable("TRUCELINE_LOG_KEY_FILE") is { Length: > 0 } configured ? configured
        : Provider == DbProvider.Sqlite ? new SqliteConnectionStringBuilder(ConnectionString).DataSource + ".log.key"
        : Path.GetFullPath(Path.Combine("data", "truceline.log.key"));

    public void Configure(DbContextOptionsBuilder options, TimeProvider time)
    {
        switch (Provider)
        {
            case DbProvider.Sqlite:
                var dir = Path.GetDirectoryName(new SqliteConnectionStringBuilder(ConnectionString).DataSource);
                if (!string.IsNullOrEmpty(dir))
                {
                    Directory.CreateDirectory(dir);
                }
                options.UseSqlite(ConnectionString);
                options.AddInterceptors(SqliteDurability.Instance);
                break;
            case DbProvider.Postgres:
                options.UseNpgsql(ConnectionString);
                break;
        }
        options.AddInterceptors(new AuditInterceptor(time), CommitAnnouncer.Instance);
    }

    // Options are built once per clock and reused: building them for every context costs more than the query it serves.
    // Contexts come from a pool per clock: a new context builds its own scope of EF Core's internal services, which cost
    // a tenth of a token-checked request. A context goes back to the pool when disposed, its tracked entities and
    // transaction cleared by EF Core and its reader set afresh here (TrucelineDb.Rent).
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<TimeProvider, Microsoft.EntityFrameworkCore.Infrastructure.PooledDbContextFactory<TrucelineDb>> _pools = new();

    public TrucelineDb CreateContext(TimeProvider time) =>
        _pools.GetValue(time, t =>
        {
            var builder = new DbContextOptionsBuilder<TrucelineDb>();
            Configure(builder, t);
            return new Microsoft.EntityFrameworkCore.Infrastructure.PooledDbContextFactory<TrucelineDb>(builder.Options, poolSize: 256);
        }).CreateDbContext().Rent(ConnectionString);
}

/// <summary>Announces a committed change to the transparency log (see <see cref="Transparency.TransparencyLog.Committed"/>)
/// and to who may use the API (<see cref="Access.AccessChanges"/>).</summary>
internal sealed class CommitAnnouncer : Microsoft.EntityFrameworkCore.Diagnostics.DbTransactionInterceptor
{
    public static readonly CommitAnnouncer Instance = new();

    public override void TransactionCommitted(DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData) => Announce(eventData.Context);

    public override Task TransactionCommittedAsync(DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Announce(eventData.Context);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData) => Reset(eventData.Context);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Reset(eventData.Context);
        return Task.CompletedTask;
    }

    private static void Announce(DbContext? context)
    {
        if (context is not TrucelineDb db)
        {
            return;
        }
        if (db.ChangedAccess)
        {
            db.ChangedAccess = false;
            Access.AccessChanges.Committed(db.Target!);
        }
        if (db.ChangedPublishedLog)
        {
            db.ChangedPublishedLog = false;
            Transparency.TransparencyLog.RaiseCommitted(db.Target);
        }
    }

    private static void Reset(DbContext? context)
    {
        if (context is TrucelineDb db)
        {
            db.ChangedPublishedLog = false;
            db.ChangedAccess = false;
        }
    }
}

/// <summary>
/// SQLite: write-ahead log (set once by the migrator) with synchronous=FULL on every connection, so an
/// acknowledged commit survives a killed process and a power cut alike.
/// </summary>
internal sealed class SqliteDurability : DbConnectionInterceptor
{
    public static readonly SqliteDurability Instance = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    // Once per SQLite connection, not per open: a pooled connection keeps its pragmas, and every request opens one.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> Applied = new();

    private static void Apply(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle } && !Applied.TryAdd(handle, handle))
        {
            return;
        }
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA synchronous=FULL; PRAGMA wal_autocheckpoint=" + WalCopier.BackstopPages + ";";
        cmd.ExecuteNonQuery();
    }
}
