using Microsoft.EntityFrameworkCore;
using Truceline.Data;

namespace Truceline.Grievances;

/// <summary>
/// A missed deadline escalates: a complaint not acknowledged by its acknowledge-by time, or open past its respond-by
/// time, is marked escalated once, which puts it on the supervisors' dashboard (supervisors of the handling
/// organisation are among its readers; for a sensitive case, its safeguarding officers). Run every minute by the
/// server, and on demand.
/// </summary>
public static class EscalateOverdue
{
    public static async Task<int> RunAsync(TrucelineDb db, TimeProvider time, CancellationToken ct = default) =>
        (await Writes.InTransactionAsync<int>(db, async () => await EscalateAsync(db, time, ct), ct)).Value;

    // Under the writer's lock, so two nodes do not escalate one case twice.
    private static async Task<int> EscalateAsync(TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var due = await db.Grievances.IgnoreQueryFilters()
            // Grievance.IsOverdue, written out so the database can evaluate it.
            .Where(g => g.EscalatedAt == null
                && ((g.State == GrievanceState.Received && g.AcknowledgeBy < now)
                    || ((g.State == GrievanceState.Received || g.State == GrievanceState.Acknowledged || g.State == GrievanceState.Referred || g.State == GrievanceState.Appealed) && g.RespondBy < now)))
            .OrderBy(g => g.ReceivedAt).Take(1_000).ToListAsync(ct);
        foreach (var g in due)
        {
            g.EscalatedAt = now;
            var missed = g.State == GrievanceState.Received && g.AcknowledgeBy < now ? "acknowledge" : "respond";
            GrievanceSteps.Record(db, g, now, "escalated", $"missed the deadline to {missed} ({(missed == "acknowledge" ? g.AcknowledgeBy : g.RespondBy):yyyy-MM-dd HH:mm}Z)");
        }
        await db.SaveChangesAsync(ct);
        return due.Count;
    }
}
