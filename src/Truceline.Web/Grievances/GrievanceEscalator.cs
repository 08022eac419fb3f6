using Truceline.Access;
using Truceline.Data;
using Truceline.Grievances;

namespace Truceline.Web.Grievances;

/// <summary>Every minute: complaints past a deadline go to the supervisors (see <see cref="EscalateOverdue"/>), and the
/// finished days' figures go to the plan metrics that follow them (see <see cref="GrievanceFeeds"/>).</summary>
public sealed class GrievanceEscalator(DatabaseTarget database, TimeProvider time, ILogger<GrievanceEscalator> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(1), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var db = database.CreateContext(time);
                db.Viewer = Viewer.System("grievance escalation");
                var n = await EscalateOverdue.RunAsync(db, time, stoppingToken);
                if (n > 0)
                {
                    log.LogInformation("{Count} complaint(s) past a deadline escalated to their supervisors.", n);
                }
                await GrievanceFeeds.RecordAsync(db, time, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Escalating overdue complaints failed; the next minute tries again.");
            }
        }
    }
}
