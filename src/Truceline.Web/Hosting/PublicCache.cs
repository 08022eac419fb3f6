using System.Globalization;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Data;

namespace Truceline.Web;

/// <summary>
/// Public pages and public API answers are cached in memory, for a crowd, and dropped when what they show can have
/// changed: when a leaf is appended to the transparency log, a checkpoint is signed or a witness cosigns one. The cache key carries a
/// generation that this process bumps after such a commit (so an answer rendered before the commit is stored under the
/// old generation and never served again) and that a poll of the log bumps when another process (the console) wrote
/// to it. Signed-in requests, answers that set a cookie and anything but a 200 are never cached (ASP.NET Core's
/// default output-cache rules).
/// </summary>
public sealed class PublicCache(DatabaseTarget database, TimeProvider time, ILogger<PublicCache> log) : BackgroundService
{
    public const string Policy = "public";

    private long _generation;

    private (long Size, long Checkpoint, DateTime? Cosigned) _seen = (-2, -2, null);

    public long Generation => Interlocked.Read(ref _generation);

    public static void Configure(OutputCacheOptions o) => o.AddPolicy(Policy, b => b
        .Expire(TimeSpan.FromMinutes(10))
        .SetVaryByQuery("*")
        .VaryByValue(http => new KeyValuePair<string, string>("v",
            http.RequestServices.GetRequiredService<PublicCache>().Generation.ToString(CultureInfo.InvariantCulture)
            + "/" + CultureInfo.CurrentUICulture.Name + "/" + CultureInfo.CurrentCulture.Name)));

    private void Bump() => Interlocked.Increment(ref _generation);

    private void OnCommitted(string? connection)
    {
        if (connection is null || connection == database.ConnectionString)
        {
            Bump();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Truceline.Transparency.TransparencyLog.Committed += OnCommitted;
        try
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), time);
            do
            {
                try
                {
                    await using var db = database.CreateContext(time);
                    db.Viewer = Viewer.System("public cache");
                    var now = (await db.LogEntries.MaxAsync(e => (long?)e.Index, stoppingToken) ?? -1,
                        await db.LogCheckpoints.MaxAsync(c => (long?)c.Size, stoppingToken) ?? -1,
                        // The latest cosignature's time, not a count: the table grows with every checkpoint and witness.
                        await db.LogCosignatures.MaxAsync(c => (DateTime?)c.CosignedAt, stoppingToken));
                    if (now != _seen)
                    {
                        if (_seen.Size != -2)
                        {
                            Bump();
                        }
                        _seen = now;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogWarning("Polling the transparency log for the public cache failed ({Error}); cached answers expire within ten minutes.", e.GetType().Name);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        finally
        {
            Truceline.Transparency.TransparencyLog.Committed -= OnCommitted;
        }
    }
}
