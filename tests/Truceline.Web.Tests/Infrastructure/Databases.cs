using Npgsql;
using Truceline.Data;

namespace Truceline.Web.Tests.Infrastructure;

/// <summary>The databases every data test runs on: a SQLite file, and PostgreSQL (started by ./test.sh, found
/// through $TRUCELINE_TEST_PG). A test on PostgreSQL fails, rather than skips, when it is not there.</summary>
public static class Databases
{
    public static TheoryData<string> All => ["sqlite", "postgres"];

    public const string PostgresVariable = "TRUCELINE_TEST_PG";

    private static readonly string Run = Guid.NewGuid().ToString("N")[..8];
    private static int _counter;

    /// <summary>A new, empty database of the given kind.</summary>
    public static DatabaseTarget Fresh(string kind)
    {
        var n = Interlocked.Increment(ref _counter);
        switch (kind)
        {
            case "sqlite":
                var dir = Path.Combine(Path.GetTempPath(), "truceline-tests", Run);
                Directory.CreateDirectory(dir);
                return DatabaseTarget.Parse(Path.Combine(dir, $"db{n}.db"));
            case "postgres":
                var baseConnection = Environment.GetEnvironmentVariable(PostgresVariable);
                if (string.IsNullOrEmpty(baseConnection))
                {
                    throw new InvalidOperationException(
                        $"PostgreSQL tests need ${PostgresVariable} (a connection string to a server); ./test.sh starts one and sets it.");
                }
                var csb = new NpgsqlConnectionStringBuilder(baseConnection) { Database = $"truceline_test_{Run}_{n}" };
                return DatabaseTarget.Parse(csb.ConnectionString);
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "sqlite or postgres");
        }
    }
}
