using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Truceline.Data;
using Truceline.Plans.Files;
using Truceline.Plans.Sequencing;

namespace Truceline.Plans;

public sealed record PhaseProgress(Phase Phase, int Provisions, double Percent, int[] ByStatus);

/// <summary>One agreement as the viewer may see it, with its dependency graph and gates evaluated.</summary>
public sealed class PlanSnapshot
{
    public required Agreement Agreement { get; init; }

    public required IReadOnlyList<Phase> Phases { get; init; }

    public required IReadOnlyList<Provision> Provisions { get; init; }

    public required IReadOnlyList<Dependency> Dependencies { get; init; }

    public required IReadOnlyDictionary<Guid, Metric> Metrics { get; init; }

    public required IReadOnlyDictionary<Guid, Observation> LatestVerified { get; init; }

    public required PlanGraph Graph { get; init; }

    public required DateOnly Today { get; init; }

    private Dictionary<Guid, Provision>? _byId;
    private Dictionary<string, Provision>? _byCode;

    public Provision ById(Guid id) => (_byId ??= Provisions.ToDictionary(p => p.Id))[id];

    public Provision? ByCode(string code) => (_byCode ??= Provisions.ToDictionary(p => p.Code, StringComparer.Ordinal)).GetValueOrDefault(code);

    public Provision? Find(string idOrCode) =>
        Guid.TryParse(idOrCode, out var id) ? (_byId ??= Provisions.ToDictionary(p => p.Id)).GetValueOrDefault(id) : ByCode(idOrCode);

    /// <summary>Progress as the Peace Accords Matrix computes it: the sum of statuses over the maximum (3 per provision).</summary>
    public static double Percent(IEnumerable<Provision> provisions)
    {
        var list = provisions.ToList();
        return Percent(list.Sum(p => p.Status), list.Count);
    }

    public static double Percent(int statusTotal, int provisions) =>
        provisions == 0 ? 0 : Math.Round(100.0 * statusTotal / (3.0 * provisions), 1);

    public IReadOnlyList<PhaseProgress> Progress() =>
        Phases.Select(ph =>
        {
            var items = Provisions.Where(p => p.PhaseId == ph.Id).ToList();
            var byStatus = new int[4];
            foreach (var p in items)
            {
                byStatus[p.Status]++;
            }
            return new PhaseProgress(ph, items.Count, Percent(items), byStatus);
        }).ToList();

    public static async Task<PlanSnapshot?> LoadAsync(TrucelineDb db, string idOrCode, TimeProvider time, CancellationToken ct = default)
    {
        var agreement = await PlanLookup.FindAgreementAsync(db, idOrCode, ct);
        if (agreement is null)
        {
            return null;
        }
        var id = agreement.Id;
        var phases = await db.Phases.AsNoTracking().Where(p => p.AgreementId == id).OrderBy(p => p.Ordinal).ToListAsync(ct);
        var provisions = await db.Provisions.AsNoTracking().Where(p => p.AgreementId == id).OrderBy(p => p.Ordinal).ToListAsync(ct);
        var dependencies = await db.Dependencies.AsNoTracking().Where(d => d.AgreementId == id).OrderBy(d => d.Ordinal).ToListAsync(ct);
        var metrics = await db.Metrics.AsNoTracking().Where(m => m.AgreementId == id).ToDictionaryAsync(m => m.Id, ct);
        var metricIds = metrics.Keys.ToList();
        var verified = await db.Observations.AsNoTracking()
            .Where(o => metricIds.Contains(o.MetricId) && o.Verification == VerificationState.Verified)
            .ToListAsync(ct);
        var latest = verified.GroupBy(o => o.MetricId)
            .ToDictionary(g => g.Key, g => g.OrderBy(o => o.ObservedOn).ThenBy(o => o.Ordinal).Last());
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        return Build(agreement, phases, provisions, dependencies, metrics, latest, today);
    }

    public static PlanSnapshot Build(Agreement agreement, List<Phase> phases, List<Provision> provisions, List<Dependency> dependencies,
        Dictionary<Guid, Metric> metrics, Dictionary<Guid, Observation> latest, DateOnly today)
    {
        var byId = provisions.ToDictionary(p => p.Id);
        // A dependency on a provision this viewer may not see is left out of their view of the graph.
        var visible = dependencies.Where(d => byId.ContainsKey(d.DependentId) && byId.ContainsKey(d.PrerequisiteId)).ToList();
        var edges = visible.Select(d =>
        {
            var (ok, reason) = Gate(d, byId[d.PrerequisiteId], metrics, latest);
            return new GraphEdge(d.PrerequisiteId, d.DependentId, d.RequiredStatus, ok, reason);
        }).ToList();
        var nodes = provisions.Select(p => new GraphNode(p.Id, p.Code, p.PhaseId, p.Status, p.Deadline, p.DurationDays)).ToList();
        return new PlanSnapshot
        {
            Agreement = agreement,
            Phases = phases,
            Provisions = provisions,
            Dependencies = visible,
            Metrics = metrics,
            LatestVerified = latest,
            Graph = new PlanGraph(nodes, edges),
            Today = today,
        };
    }

    private static (bool Satisfied, string? Reason) Gate(Dependency d, Provision prerequisite, IReadOnlyDictionary<Guid, Metric> metrics, IReadOnlyDictionary<Guid, Observation> latest)
    {
        var reasons = new List<string>();
        if (prerequisite.Status < d.RequiredStatus)
        {
            reasons.Add($"{prerequisite.Code} is at status {prerequisite.Status} ({ImplementationStatus.Label(prerequisite.Status)}), needs {d.RequiredStatus} ({ImplementationStatus.Label(d.RequiredStatus)})");
        }
        if (d.MetricId is { } metricId && d.Threshold is { } threshold)
        {
            if (!metrics.TryGetValue(metricId, out var metric))
            {
                reasons.Add("a gate on a metric you may not see is not met or cannot be shown");
            }
            else
            {
                var comparison = metric.Direction == MetricDirection.Increase ? "≥" : "≤";
                var need = string.Create(CultureInfo.InvariantCulture, $"{threshold:0.##}");
                if (!latest.TryGetValue(metricId, out var obs))
                {
                    reasons.Add($"metric {metric.Name} has no verified observation, needs {comparison} {need} {metric.Unit}");
                }
                else if (metric.Direction == MetricDirection.Increase ? obs.Value < threshold : obs.Value > threshold)
                {
                    reasons.Add(string.Create(CultureInfo.InvariantCulture,
                        $"metric {metric.Name} is {obs.Value:0.##} {metric.Unit} (verified, {obs.ObservedOn:yyyy-MM-dd}), needs {comparison} {need}"));
                }
            }
        }
        return reasons.Count == 0 ? (true, null) : (false, string.Join("; ", reasons));
    }
}
