using Truceline.Audit;
using Truceline.Plans;
using Truceline.Plans.Sequencing;

namespace Truceline.Web.Plans;

// What the API returns (and the pages show). Every record of a simulated agreement says so.

public sealed record PlanSummary(Guid Id, string Code, string Title, bool Simulated, double Progress, string Classification);

public sealed record PhaseView(Guid Id, string Code, string Title, int Order, DateOnly? StartsOn, DateOnly? EndsOn, int Provisions, double Progress, int[] ByStatus, CriticalPathView CriticalPath);

public sealed record ProvisionSummary(Guid Id, string Code, string Title, string Phase, int Status, string StatusLabel, string State, DateOnly? Deadline, DateOnly ProjectedFinish, bool AtRisk, bool Simulated);

public sealed record GateView(string Prerequisite, string Dependent, int RequiredStatus, bool Satisfied, string? Reason);

/// <summary>A blocked provision and the gates it waits for directly. The whole chain behind it is in the plan's
/// <see cref="SequencingView.UnmetGates"/> (walk them back from here) and in GET /provisions/{id} as blockingChain.</summary>
public sealed record BlockedView(ProvisionSummary Provision, IReadOnlyList<GateView> UnmetGates);

public sealed record CriticalPathView(DateOnly? ProjectedEnd, IReadOnlyList<string> Path);

public sealed record PlanOverview(Guid Id, string Code, string Title, string? Description, bool Simulated, string? SimulatedNote, double Progress,
    DateOnly Today, IReadOnlyList<PhaseView> Phases, IReadOnlyList<ProvisionSummary> Provisions);

public sealed record SequencingView(Guid PlanId, DateOnly Today, bool Simulated, IReadOnlyList<ProvisionSummary> Ready, IReadOnlyList<BlockedView> Blocked,
    IReadOnlyList<GateView> UnmetGates, IReadOnlyList<ProvisionSummary> AtRisk, IReadOnlyList<PhaseView> Phases);

public sealed record KnockOnView(string Provision, DateOnly FinishBefore, DateOnly FinishAfter, int DaysLater, bool AtRiskBefore, bool AtRiskAfter, DateOnly? Deadline);

public sealed record SlipView(string Provision, DateOnly To, bool Simulated, IReadOnlyList<KnockOnView> KnockOn);

public sealed record HistoryView(Guid Id, int From, int To, string ToLabel, DateOnly EffectiveOn, string Evidence, string? Source, string RecordedBy, DateTime RecordedAt);

public sealed record AmendmentView(DateOnly? From, DateOnly To, DateOnly AmendedOn, string Reason, string RecordedBy);

public sealed record ObservationView(Guid Id, DateOnly ObservedOn, double Value, string? Source, VerificationState Verification, string RecordedBy, bool Simulated);

public sealed record MetricView(Guid Id, string Code, string Name, string Unit, double? Target, MetricDirection Direction, string? Source, string Classification,
    double? LatestVerified, bool Reached, bool Simulated, IReadOnlyList<ObservationView> Observations);

public sealed record DependencyView(Guid Id, string Prerequisite, string Dependent, int RequiredStatus, string? Metric, double? Threshold, string? Note,
    string? SourceQuote, bool Satisfied, string? Reason);

public sealed record AuditView(long Seq, DateTime At, string Actor, string EntityType, string EntityId, string Action, string Changes, string Hash);

public sealed record ProvisionDetail(
    Guid Id, Guid PlanId, string PlanCode, string Code, string Title, string Text, string Phase, string SourceRef, string SourceQuote,
    IReadOnlyList<string> Obliges, IReadOnlyList<string> Responsible, DateOnly? Deadline, int DurationDays, int Status, string StatusLabel,
    string State, DateOnly ProjectedFinish, bool AtRisk, string Classification, bool Simulated,
    IReadOnlyList<HistoryView> History, IReadOnlyList<AmendmentView> DeadlineAmendments, IReadOnlyList<DependencyView> DependsOn,
    IReadOnlyList<DependencyView> RequiredBy, IReadOnlyList<GateView> BlockingChain, IReadOnlyList<MetricView> Metrics);

public static class PlanViews
{
    public static string Lower(this Enum value) => value.ToString().ToLowerInvariant();

    public static ProvisionSummary Summary(PlanSnapshot s, PlanGraph.Analysis a, Provision p) => new(
        p.Id, p.Code, p.Title, s.Phases.First(ph => ph.Id == p.PhaseId).Code, p.Status, ImplementationStatus.Label(p.Status),
        a.StateOf(p.Id).Lower(), p.Deadline, a.ProjectedFinish(p.Id), a.AtRisk(p.Id), s.Agreement.Simulated);

    public static IReadOnlyList<PhaseView> Phases(PlanSnapshot s, PlanGraph.Analysis a) =>
        s.Progress().Select(pp =>
        {
            var cp = a.CriticalPath(pp.Phase.Id);
            return new PhaseView(pp.Phase.Id, pp.Phase.Code, pp.Phase.Title, pp.Phase.Ordinal, pp.Phase.StartsOn, pp.Phase.EndsOn, pp.Provisions, pp.Percent,
                pp.ByStatus, new CriticalPathView(cp.ProjectedEnd, cp.Path.Select(n => n.Code).ToList()));
        }).ToList();

    public static GateView Gate(PlanSnapshot s, GraphEdge e) =>
        new(s.ById(e.PrerequisiteId).Code, s.ById(e.DependentId).Code, e.RequiredStatus, e.Satisfied, e.Reason);

    public static PlanOverview Overview(PlanSnapshot s)
    {
        var a = s.Graph.Analyse(s.Today);
        return new PlanOverview(s.Agreement.Id, s.Agreement.Code, s.Agreement.Title, s.Agreement.Description, s.Agreement.Simulated, s.Agreement.SimulatedNote,
            PlanSnapshot.Percent(s.Provisions), s.Today, Phases(s, a), s.Provisions.Select(p => Summary(s, a, p)).ToList());
    }

    public static SequencingView Sequencing(PlanSnapshot s)
    {
        var a = s.Graph.Analyse(s.Today);
        return new SequencingView(s.Agreement.Id, s.Today, s.Agreement.Simulated,
            a.Ready().Select(n => Summary(s, a, s.ById(n.Id))).ToList(),
            a.Blocked().Select(n => new BlockedView(Summary(s, a, s.ById(n.Id)), a.UnmetGates(n.Id).Select(e => Gate(s, e)).ToList())).ToList(),
            s.Graph.Edges.Where(e => !e.Satisfied).Select(e => Gate(s, e)).ToList(),
            a.AtRisk().Select(n => Summary(s, a, s.ById(n.Id))).ToList(),
            Phases(s, a));
    }

    public static IReadOnlyList<KnockOnView> KnockOn(IEnumerable<KnockOn> knockOn) =>
        knockOn.Select(k => new KnockOnView(k.Provision.Code, k.FinishBefore, k.FinishAfter, k.FinishAfter.DayNumber - k.FinishBefore.DayNumber,
            k.AtRiskBefore, k.AtRiskAfter, k.Provision.Deadline)).ToList();

    public static DependencyView Dependency(PlanSnapshot s, Dependency d)
    {
        var edge = s.Graph.Edges.First(e => e.DependentId == d.DependentId && e.PrerequisiteId == d.PrerequisiteId);
        var metric = d.MetricId is { } mid && s.Metrics.TryGetValue(mid, out var m) ? $"{s.ById(m.ProvisionId).Code}/{m.Code}" : null;
        return new DependencyView(d.Id, s.ById(d.PrerequisiteId).Code, s.ById(d.DependentId).Code, d.RequiredStatus, metric, metric is null ? null : d.Threshold,
            d.Note, d.SourceQuote, edge.Satisfied, edge.Reason);
    }

    public static AuditView Audit(AuditEntry e) => new(e.Seq, e.At, e.Actor, e.EntityType, e.EntityId, e.Action, e.Changes, e.Hash);
}
