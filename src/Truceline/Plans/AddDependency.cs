using Microsoft.EntityFrameworkCore;
using Truceline.Common;
using Truceline.Data;
using Truceline.Plans.Sequencing;

namespace Truceline.Plans;

/// <summary>Adds a gate: the provision may start when the prerequisite reaches a status and, optionally,
/// a metric reaches a threshold. A gate that would close a cycle is refused, naming the cycle.</summary>
public static class AddDependency
{
    public sealed record Request(string? Prerequisite, int? RequiredStatus, string? Metric, double? Threshold, string? Note);

    public static Task<Outcome<Dependency>> RunAsync(TrucelineDb db, Guid provisionId, Request request, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync(db, () => DecideAsync(db, provisionId, request, time, ct), ct);

    private static async Task<Outcome<Dependency>> DecideAsync(TrucelineDb db, Guid provisionId, Request request, TimeProvider time, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.Prerequisite))
        {
            errors.Add("prerequisite", "is required: the code or id of the provision this one waits for");
        }
        if (request.RequiredStatus is { } rs && !ImplementationStatus.IsValid(rs))
        {
            errors.Add("requiredStatus", "must be 0 to 3");
        }
        if (string.IsNullOrWhiteSpace(request.Metric) != (request.Threshold is null))
        {
            errors.Add("threshold", "a metric gate needs both metric and threshold");
        }
        if (request.Threshold is { } t && !double.IsFinite(t))
        {
            errors.Add("threshold", "must be a finite number");
        }
        if (request.Note?.Length > 4000)
        {
            errors.Add("note", "must be at most 4000 characters");
        }
        if (errors.Any)
        {
            return errors.ToFailure();
        }
        var provision = await db.Provisions.AsNoTracking().FirstOrDefaultAsync(p => p.Id == provisionId, ct);
        if (provision is null)
        {
            return Failure.NotFound($"There is no provision {provisionId} that you may see.");
        }
        var snapshot = (await PlanSnapshot.LoadAsync(db, provision.AgreementId.ToString(), time, ct))!;
        var prerequisite = snapshot.Find(request.Prerequisite!.Trim());
        if (prerequisite is null)
        {
            return Failure.Invalid("prerequisite", $"'{request.Prerequisite}' is not a provision of {snapshot.Agreement.Code}");
        }
        Metric? metric = null;
        if (!string.IsNullOrWhiteSpace(request.Metric))
        {
            var parts = request.Metric.Trim().Split('/', 2);
            metric = Guid.TryParse(request.Metric, out var metricId)
                ? snapshot.Metrics.GetValueOrDefault(metricId)
                : parts.Length == 2 && snapshot.ByCode(parts[0]) is { } owner
                    ? snapshot.Metrics.Values.FirstOrDefault(m => m.ProvisionId == owner.Id && m.Code == parts[1])
                    : null;
            if (metric is null)
            {
                return Failure.Invalid("metric", $"'{request.Metric}' is not a metric of {snapshot.Agreement.Code} (write PROVISION/METRIC)");
            }
        }
        // Cycles are checked on the whole agreement, including provisions this user may not see (their codes are
        // not shown): a cycle through a hidden provision is still a cycle.
        var all = await db.Provisions.IgnoreQueryFilters().AsNoTracking().Where(p => p.AgreementId == provision.AgreementId)
            .Select(p => new { p.Id, p.Code }).ToListAsync(ct);
        var edges = await db.Dependencies.AsNoTracking().Where(d => d.AgreementId == provision.AgreementId)
            .Select(d => new { d.DependentId, d.PrerequisiteId }).ToListAsync(ct);
        if (edges.Any(d => d.DependentId == provision.Id && d.PrerequisiteId == prerequisite.Id))
        {
            return Failure.Conflict("Dependency exists", $"{provision.Code} already depends on {prerequisite.Code}.");
        }
        var visible = snapshot.Provisions.Select(p => p.Id).ToHashSet();
        var whole = new PlanGraph(
            all.Select(p => new GraphNode(p.Id, visible.Contains(p.Id) ? p.Code : "(a provision you may not see)", Guid.Empty, 0, null, 0)).ToList(),
            edges.Select(d => new GraphEdge(d.PrerequisiteId, d.DependentId, ImplementationStatus.Full, true, null)).ToList());
        if (whole.CycleIfAdded(provision.Id, prerequisite.Id) is { } cycle)
        {
            return Failure.Conflict("Dependency cycle",
                $"{provision.Code} cannot depend on {prerequisite.Code}: that would make a cycle ({string.Join(" depends on ", cycle)}).");
        }
        var dependency = new Dependency
        {
            AgreementId = provision.AgreementId,
            DependentId = provision.Id,
            PrerequisiteId = prerequisite.Id,
            RequiredStatus = request.RequiredStatus ?? ImplementationStatus.Full,
            MetricId = metric?.Id,
            Threshold = request.Threshold,
            Note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim(),
            Ordinal = edges.Count(d => d.DependentId == provision.Id),
        };
        db.Dependencies.Add(dependency);
        await db.SaveChangesAsync(ct);
        return dependency;
    }
}
