using Truceline.Data;

namespace Truceline.Web;

/// <summary>On SQLite, copies the write-ahead log into the database file every <see cref="WalCopier.Interval"/>, on a
/// thread of its own (a copy blocks on the disk), so that no writer's commit does it while holding the writer gate.</summary>
public sealed class WalCopying(DatabaseTarget database, ILogger<WalCopying> log) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => database.Provider != DbProvider.Sqlite
        ? Task.CompletedTask
        : Task.Factory.StartNew(() => Loop(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Loop(CancellationToken stoppingToken)
    {
        var failing = false;
        // Real time: this shares the machine's disk, it schedules nothing the application's clock should move.
        while (!stoppingToken.WaitHandle.WaitOne(WalCopier.Interval))
        {
            try
            {
                WalCopier.CopyOnce(database.ConnectionString);
                failing = false;
            }
            catch (Exception e)
            {
                // Nothing is lost: the log keeps every commit until a copy succeeds, and past WalCopier.BackstopPages
                // writers copy it themselves. Said once, not ten times a second.
                if (!failing)
                {
                    log.LogError(e, "Could not copy the write-ahead log into the database file; trying again");
                }
                failing = true;
            }
        }
    }
}
