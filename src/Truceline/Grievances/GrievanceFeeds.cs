using Microsoft.EntityFrameworkCore;
using Truceline.Data;
using Truceline.Plans;

namespace Truceline.Grievances;

/// <summary>
/// Grievance figures a plan metric can follow (<see cref="Metric.Feed"/>): each finished day, Truceline records the
/// day's figure as an observation of every metric that follows it, once. An observation is recorded unverified, like any
/// other: a verifier confirms it before it opens a gate. Computed from every complaint, whoever handles it; the figures
/// are counts only.
/// </summary>
public static class GrievanceFeeds
{
    /// <summary>Complaints received that day.</summary>
    public const string ReceivedPerDay = "grievances.received-per-day";

    /// <summary>Of the complaints whose answer fell due by the end of the day, the share answered by their deadline (%).</summary>
    public const string AnsweredOnTimePercent = "grievances.answered-on-time-percent";

    public const string Source = "Computed by Truceline from the complaints it holds";

    /// <summary>Records the last finished day's figures (and any earlier day of the past week still missing). Returns how many observations it added.</summary>
    public static async Task<int> RecordAsync(TrucelineDb db, TimeProvider time, CancellationToken ct = default)
    {
        var metrics = await db.Metrics.IgnoreQueryFilters().AsNoTracking()
            .Where(m => m.Feed == ReceivedPerDay || m.Feed == AnsweredOnTimePercent).Select(m => new { m.Id, m.Feed }).ToListAsync(ct);
        if (metrics.Count == 0)
        {
            return 0;
        }
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var added = 0;
        foreach (var metric in metrics)
        {
            for (var day = today.AddDays(-7); day < today; day = day.AddDays(1))
            {
                var (metricId, feed, on) = (metric.Id, metric.Feed!, day);
                // Checked again under the writer's lock: two nodes (or the minute's run and an on-demand one) record a day once.
                var outcome = await Writes.InTransactionAsync<bool>(db, async () =>
                {
                    if (await db.Observations.IgnoreQueryFilters().AnyAsync(o => o.MetricId == metricId && o.ObservedOn == on, ct)
                        || await ValueAsync(db, feed, on, ct) is not { } value)
                    {
                        return false;
                    }
                    var recorded = await RecordObservation.RunAsync(db, metricId, new RecordObservation.Request(on, value, Source, null), mayVerify: false, time, ct);
                    return recorded.Succeeded ? true : recorded.Failure!;
                }, ct);
                added += outcome.Succeeded && outcome.Value ? 1 : 0;
            }
        }
        return added;
    }

    public static async Task<double?> ValueAsync(TrucelineDb db, string feed, DateOnly day, CancellationToken ct)
    {
        var start = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var end = start.AddDays(1);
        var all = db.Grievances.IgnoreQueryFilters().AsNoTracking();
        // Nothing to count before the first complaint: no observation rather than a string of zeros.
        if (!await all.AnyAsync(g => g.ReceivedAt < end, ct))
        {
            return null;
        }
        if (feed == ReceivedPerDay)
        {
            return await all.CountAsync(g => g.ReceivedAt >= start && g.ReceivedAt < end, ct);
        }
        var due = await all.Where(g => g.RespondBy < end).Select(g => new { g.RespondBy, g.RespondedAt }).ToListAsync(ct);
        return due.Count == 0 ? null : Math.Round(100.0 * due.Count(g => g.RespondedAt is { } r && r <= g.RespondBy) / due.Count, 1);
    }
}
