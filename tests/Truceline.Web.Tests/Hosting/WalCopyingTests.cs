using System.Net;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Data;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Hosting;

/// <summary>
/// A server copies SQLite's write-ahead log into the database file itself, so that no writer's commit has to (ADR-018).
/// SQLite only: PostgreSQL has no such log to copy.
/// </summary>
public sealed class WalCopyingTests
{
    /// <summary>The pragmas are set once per SQLite connection, not on every open: a connection taken again from the pool
    /// must still commit at synchronous=FULL and leave the copying to the server.</summary>
    [Fact]
    public async Task AConnectionTakenAgainFromThePoolKeepsItsDurability()
    {
        await using var app = await TestApp.StartAsync("sqlite");
        for (var open = 0; open < 3; open++)
        {
            await using var db = app.OpenDb();
            await db.Database.OpenConnectionAsync();
            async Task<object?> Pragma(string name)
            {
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = $"PRAGMA {name}";
                return await command.ExecuteScalarAsync();
            }
            Assert.Equal(2L, await Pragma("synchronous")); // FULL
            Assert.Equal((long)WalCopier.BackstopPages, await Pragma("wal_autocheckpoint"));
        }
    }

    [Fact]
    public async Task WhatIsCommittedReachesTheDatabaseFileWithoutAWriterCopyingIt()
    {
        await using var app = await TestApp.StartAsync("sqlite");
        await app.EnsureGovernoratesAsync();
        await app.StopBackgroundGroupingAsync();
        var file = new FileInfo(new SqliteConnectionStringBuilder(app.Database.ConnectionString).DataSource);
        var before = await SettledLengthAsync(file);

        // 500 reports and their audit entries: about a megabyte, far below the pages a writer lets the log reach before
        // it copies the log itself (WalCopier.BackstopPages), so only the server's own copying puts them in the file.
        var reports = Enumerable.Range(0, 500).Select(i =>
            $$"""{"clientId":"wal-{{i}}","sourceType":"monitorPatrol","occurredOn":"2026-11-20","latitude":31.3462,"longitude":34.3063,"eventType":"Explosions/Remote violence","description":"Report {{i}} of a batch that fills the log (simulated)"}""");
        using var monitor = app.Client(Role.Monitor);
        var response = await monitor.PostAsync("/api/v1/reports/batch", new StringContent($"{{\"reports\":[{string.Join(",", reports)}]}}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var after = await SettledLengthAsync(file);
        Assert.True(after - before >= 500_000, $"the database file grew by {after - before:N0} bytes after the batch (at least 500,000 expected once the log was copied)");
        await using var connection = new SqliteConnection(app.Database.ConnectionString);
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM reports WHERE client_id LIKE 'wal-%'";
        Assert.Equal(500L, await count.ExecuteScalarAsync());
    }

    /// <summary>The file's length once it has not changed for a second (at most 20 s): the copier runs ten times a second.</summary>
    private static async Task<long> SettledLengthAsync(FileInfo file)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        var length = -1L;
        var still = 0;
        while (still < 10 && waited.Elapsed < TimeSpan.FromSeconds(20))
        {
            await Task.Delay(100);
            file.Refresh();
            still = file.Length == length ? still + 1 : 0;
            length = file.Length;
        }
        return length;
    }
}
