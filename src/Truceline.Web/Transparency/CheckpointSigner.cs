using Truceline.Data;
using Truceline.Transparency;

namespace Truceline.Web.Transparency;

/// <summary>Signs a checkpoint every minute while the log grows (C2SP: witnesses and monitors poll the latest one).</summary>
public sealed class CheckpointSigner(DatabaseTarget database, NoteSigner signer, TimeProvider time, ILogger<CheckpointSigner> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, TimeProvider.System);
        do
        {
            try
            {
                await using var db = database.CreateContext(time);
                db.Viewer = Truceline.Access.Viewer.System("checkpoint signer");
                await PublishCheckpoint.RunAsync(db, signer, time, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "Could not sign a checkpoint; trying again in a minute.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
