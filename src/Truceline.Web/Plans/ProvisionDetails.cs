using Microsoft.EntityFrameworkCore;
using Truceline.Audit;
using Truceline.Data;
using Truceline.Plans;

namespace Truceline.Web.Plans;

/// <summary>Everything the provision page and GET /provisions/{id} show.</summary>
public static class ProvisionDetails
{
    public static async Task<ProvisionDetail?> LoadAsync(TrucelineDb db, Guid id, TimeProvider time, CancellationToken ct)
    {
        var p0 = await db.Provisions.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
        if (p0 is null)
        {
            return null;
        }
        var s = (await PlanSnapshot.LoadAsync(db, p0.AgreementId.ToString(), time, ct))!;
        var p = s.ById(id);
        var a = s.Graph.Analyse(s.Today);
        var history = await db.StatusChanges.AsNoTracking().Where(h => h.ProvisionId == id).OrderBy(h => h.Ordinal).ToListAsync(ct);
        var amendments = await db.DeadlineAmendments.AsNoTracking().Where(h => h.ProvisionId == id).OrderBy(h => h.Ordinal).ToListAsync(ct);
        var metrics = s.Metrics.Values.Where(m => m.ProvisionId == id).OrderBy(m => m.Ordinal).ToList();
        var metricIds = metrics.Select(m => m.Id).ToList();
        var observations = (await db.Observations.AsNoTracking().Where(o => metricIds.Contains(o.MetricId)).ToListAsync(ct))
            .OrderBy(o => o.ObservedOn).ThenBy(o => o.Ordinal).ToLookup(o => o.MetricId);
        var simulated = s.Agreement.Simulated;
        return new ProvisionDetail(
            p.Id, s.Agreement.Id, s.Agreement.Code, p.Code, p.Title, p.Text, s.Phases.First(ph => ph.Id == p.PhaseId).Code, p.SourceRef, p.SourceQuote,
            p.Obliges, p.Responsible, p.Deadline, p.DurationDays, p.Status, ImplementationStatus.Label(p.Status),
            a.StateOf(id).Lower(), a.ProjectedFinish(id), a.AtRisk(id), p.Classification.Lower(), simulated,
            history.Select(h => new HistoryView(h.Id, h.FromStatus, h.ToStatus, ImplementationStatus.Label(h.ToStatus), h.EffectiveOn, h.Evidence, h.SourceRef, h.RecordedBy, h.RecordedAt)).ToList(),
            amendments.Select(h => new AmendmentView(h.FromDeadline, h.ToDeadline, h.AmendedOn, h.Reason, h.RecordedBy)).ToList(),
            s.Dependencies.Where(d => d.DependentId == id).Select(d => PlanViews.Dependency(s, d)).ToList(),
            s.Dependencies.Where(d => d.PrerequisiteId == id).Select(d => PlanViews.Dependency(s, d)).ToList(),
            s.Graph.BlockingChain(id).Select(e => PlanViews.Gate(s, e)).ToList(),
            metrics.Select(m =>
            {
                var latest = s.LatestVerified.GetValueOrDefault(m.Id);
                return new MetricView(m.Id, m.Code, m.Name, m.Unit, m.Target, m.Direction, m.Source, m.Classification.Lower(),
                    latest?.Value, latest is not null && m.Reached(latest.Value), simulated,
                    observations[m.Id].Select(o => new ObservationView(o.Id, o.ObservedOn, o.Value, o.Source, o.Verification, o.RecordedBy, simulated)).ToList());
            }).ToList());
    }

    /// <summary>The provision's own audit entries and those of its history, amendments, gates, metrics and observations.</summary>
    public static Task<List<AuditEntry>> AuditAsync(TrucelineDb db, Guid provisionId, CancellationToken ct) =>
        AuditOfAsync(db, $"Provision:{provisionId}", ct);

    /// <summary>The newest entries shown on a record's page; each is filtered by the reader's access like the record it describes.</summary>
    public static Task<List<AuditEntry>> AuditOfAsync(TrucelineDb db, string subject, CancellationToken ct) =>
        db.AuditEntries.AsNoTracking().Where(e => e.Subject == subject).OrderByDescending(e => e.Seq).Take(500).ToListAsync(ct);
}
