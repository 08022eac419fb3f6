using Truceline.Plans;
using Truceline.Plans.Sequencing;

namespace Truceline.Tests.Plans;

public sealed class PlanGraphTests
{
    // Every expected date below is worked out by hand from this day.
    private static readonly DateOnly Today = new(2026, 3, 1);

    private static readonly Guid PhaseOne = new("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid PhaseTwo = new("00000000-0000-0000-0000-00000000000b");

    /// <summary>A small plan written by provision code; edges read "prerequisite → dependent".</summary>
    private sealed class Plan
    {
        private readonly List<GraphNode> _nodes = [];
        private readonly List<GraphEdge> _edges = [];

        public Plan Node(string code, int status = ImplementationStatus.NotInitiated, int duration = 1, DateOnly? deadline = null, Guid? phase = null)
        {
            _nodes.Add(new GraphNode(Guid.NewGuid(), code, phase ?? PhaseOne, status, deadline, duration));
            return this;
        }

        public Plan Edge(string prerequisite, string dependent, bool satisfied = false)
        {
            _edges.Add(new GraphEdge(Id(prerequisite), Id(dependent), ImplementationStatus.Full, satisfied, satisfied ? null : $"{prerequisite} not done"));
            return this;
        }

        public GraphNode this[string code] => _nodes.Single(n => n.Code == code);

        public Guid Id(string code) => this[code].Id;

        public PlanGraph Graph() => new(_nodes, _edges);
    }

    private static string Arrow(PlanGraph graph, GraphEdge e) =>
        $"{graph.Nodes[graph.IndexOf(e.PrerequisiteId)].Code}→{graph.Nodes[graph.IndexOf(e.DependentId)].Code}";

    private static bool DependsOn(PlanGraph graph, string dependent, string prerequisite) =>
        graph.Edges.Any(e => Arrow(graph, e) == $"{prerequisite}→{dependent}");

    [Fact]
    public void TopologicalOrderPutsEveryPrerequisiteBeforeItsDependents()
    {
        // Listed in reverse, so the order in which nodes were given is not already a valid order.
        var plan = new Plan().Node("E").Node("D").Node("C").Node("B").Node("A")
            .Edge("A", "B").Edge("B", "C").Edge("A", "C").Edge("C", "D").Edge("B", "E").Edge("D", "E", satisfied: true);
        var graph = plan.Graph();

        var (order, cycle) = graph.TopologicalOrder();

        Assert.Null(cycle);
        Assert.NotNull(order);
        Assert.Equal(Enumerable.Range(0, 5), order.Order());
        var position = new int[order.Length];
        for (var i = 0; i < order.Length; i++)
        {
            position[order[i]] = i;
        }
        Assert.All(graph.Edges, e => Assert.True(position[graph.IndexOf(e.PrerequisiteId)] < position[graph.IndexOf(e.DependentId)], Arrow(graph, e)));
    }

    [Fact]
    public void ACycleInThePlanIsReportedByTheCodesThatFormIt()
    {
        // D hangs off the cycle A→B→C→A: it is stuck behind it but not part of it, and is listed first.
        var plan = new Plan().Node("D").Node("A").Node("B").Node("C").Node("X")
            .Edge("A", "B").Edge("B", "C").Edge("C", "A").Edge("C", "D").Edge("X", "A", satisfied: true);
        var graph = plan.Graph();

        var (order, cycle) = graph.TopologicalOrder();

        Assert.Null(order);
        Assert.NotNull(cycle);
        // From D the walk goes back through C, B, A to C again; each code depends on the next.
        Assert.Equal(["C", "B", "A", "C"], cycle);
        for (var i = 0; i + 1 < cycle.Count; i++)
        {
            Assert.True(DependsOn(graph, cycle[i], cycle[i + 1]), $"{cycle[i]} should depend on {cycle[i + 1]}");
        }
    }

    [Fact]
    public void AnalysingAPlanWithACycleFailsNamingTheCycle()
    {
        var graph = new Plan().Node("A").Node("B").Edge("A", "B").Edge("B", "A").Graph();

        var error = Assert.Throws<InvalidOperationException>(() => graph.Analyse(Today));

        Assert.Contains("A → B → A", error.Message);
    }

    [Fact]
    public void AProvisionThatDependsOnItselfIsReportedAsACycleOfOne()
    {
        var graph = new Plan().Node("A").Node("B").Edge("A", "B").Edge("B", "B").Graph();

        var (order, cycle) = graph.TopologicalOrder();

        Assert.Null(order);
        Assert.Equal(["B", "B"], cycle);
    }

    [Fact]
    public void CycleIfAddedIsNullForAnEdgeThatCannotCloseACycle()
    {
        var plan = new Plan().Node("A").Node("B").Node("C").Node("D").Edge("A", "B").Edge("B", "C");
        var graph = plan.Graph();

        Assert.Null(graph.CycleIfAdded(plan.Id("C"), plan.Id("A")));   // a shortcut along the chain
        Assert.Null(graph.CycleIfAdded(plan.Id("D"), plan.Id("C")));   // a new dependent at the end
        Assert.Null(graph.CycleIfAdded(plan.Id("A"), plan.Id("D")));   // a new prerequisite at the start
    }

    [Fact]
    public void CycleIfAddedReturnsTheCycleFromTheDependentBackToItself()
    {
        // C depends on B depends on A; the second gate is already met, which does not make a cycle acceptable.
        var plan = new Plan().Node("A").Node("B").Node("C").Edge("A", "B").Edge("B", "C", satisfied: true);
        var graph = plan.Graph();

        var cycle = graph.CycleIfAdded(plan.Id("A"), plan.Id("C"));

        // A would depend on C, C depends on B, B depends on A.
        Assert.Equal(["A", "C", "B", "A"], cycle);
    }

    [Fact]
    public void CycleIfAddedRefusesAProvisionDependingOnItself()
    {
        var plan = new Plan().Node("A");

        Assert.Equal(["A", "A"], plan.Graph().CycleIfAdded(plan.Id("A"), plan.Id("A")));
    }

    [Fact]
    public void ReadinessFollowsStatusAndUnmetGates()
    {
        var plan = new Plan()
            .Node("DONE", ImplementationStatus.Full)
            .Node("FREE")                                            // no prerequisites
            .Node("AFTER-DONE", ImplementationStatus.Minimal)        // its only gate is met
            .Node("WAITING")                                         // its only gate is not met
            .Node("MIXED")                                           // one gate met, one not
            .Node("DONE-ANYWAY", ImplementationStatus.Full)          // full, though a gate is still unmet
            .Edge("DONE", "AFTER-DONE", satisfied: true)
            .Edge("FREE", "WAITING")
            .Edge("DONE", "MIXED", satisfied: true)
            .Edge("FREE", "MIXED")
            .Edge("FREE", "DONE-ANYWAY");
        var graph = plan.Graph();

        var analysis = graph.Analyse(Today);

        Assert.Equal(["FREE", "AFTER-DONE"], analysis.Ready().Select(n => n.Code));
        Assert.Equal(["WAITING", "MIXED"], analysis.Blocked().Select(n => n.Code));
        Assert.Equal(ProvisionState.Complete, analysis.StateOf(plan.Id("DONE")));
        Assert.Equal(ProvisionState.Complete, analysis.StateOf(plan.Id("DONE-ANYWAY")));
        Assert.Equal(["FREE→MIXED"], analysis.UnmetGates(plan.Id("MIXED")).Select(e => Arrow(graph, e)));
        Assert.Empty(analysis.UnmetGates(plan.Id("AFTER-DONE")));
    }

    [Fact]
    public void BlockingChainHoldsEveryUnmetGateBehindAProvisionAndNoMetOnes()
    {
        // T waits on M (unmet) and Z (unmet); M waits on R (unmet) and, through a met gate, on S;
        // S itself waits on Q, but S does not hold M up, so Q→S is not in T's chain.
        var plan = new Plan().Node("R").Node("Q").Node("S").Node("M").Node("Z").Node("T")
            .Edge("R", "M").Edge("S", "M", satisfied: true).Edge("Q", "S").Edge("M", "T").Edge("Z", "T");
        var graph = plan.Graph();

        var chain = graph.BlockingChain(plan.Id("T")).Select(e => Arrow(graph, e)).Order();

        Assert.Equal(["M→T", "R→M", "Z→T"], chain);
        Assert.Equal(["Q→S"], graph.BlockingChain(plan.Id("S")).Select(e => Arrow(graph, e)));
        Assert.Empty(graph.BlockingChain(plan.Id("R")));
    }

    [Fact]
    public void BlockingChainListsAGateOnceWhenTwoPathsLeadToIt()
    {
        // Diamond: D waits on B and C, both wait on A.
        var plan = new Plan().Node("A").Node("B").Node("C").Node("D")
            .Edge("A", "B").Edge("A", "C").Edge("B", "D").Edge("C", "D");
        var graph = plan.Graph();

        var chain = graph.BlockingChain(plan.Id("D")).Select(e => Arrow(graph, e)).Order();

        Assert.Equal(["A→B", "A→C", "B→D", "C→D"], chain);
    }

    [Fact]
    public void ALimitedBlockingChainStopsAtTheLimit()
    {
        // A chain of ten: J waits on I, … B waits on A.
        var plan = new Plan();
        var codes = "ABCDEFGHIJ".Select(c => c.ToString()).ToList();
        codes.ForEach(c => plan.Node(c));
        for (var i = 1; i < codes.Count; i++)
        {
            plan.Edge(codes[i - 1], codes[i]);
        }
        var graph = plan.Graph();

        Assert.Equal(9, graph.BlockingChain(plan.Id("J")).Count);
        Assert.Equal(["I→J", "H→I", "G→H"], graph.BlockingChain(plan.Id("J"), limit: 3).Select(e => Arrow(graph, e)));
    }

    [Fact]
    public void AFullyImplementedProvisionIsNotPushedLaterByAnUnmetGate()
    {
        // C was recorded as done although its gate on A (10 days away) is not met; D waits on C.
        var plan = new Plan().Node("A", duration: 10).Node("C", ImplementationStatus.Full, duration: 5).Node("D", duration: 2)
            .Edge("A", "C").Edge("C", "D", satisfied: true);
        var analysis = plan.Graph().Analyse(Today);

        Assert.Equal(ProvisionState.Complete, analysis.StateOf(plan.Id("C")));
        Assert.Equal(Today, analysis.ProjectedFinish(plan.Id("C")));
        Assert.Equal(Today.AddDays(2), analysis.ProjectedFinish(plan.Id("D")));
        Assert.DoesNotContain(analysis.KnockOn(new Dictionary<Guid, DateOnly> { [plan.Id("A")] = Today.AddDays(30) }), k => k.Provision.Code != "A");
    }

    [Fact]
    public void ProjectedFinishIsTheRemainingDurationAfterTheLatestUnmetPrerequisite()
    {
        var plan = new Plan()
            .Node("A", ImplementationStatus.NotInitiated, duration: 10)   // 10 days left
            .Node("B", ImplementationStatus.Minimal, duration: 10)        // 10·2/3 = 6.67 → 7 days left
            .Node("C", ImplementationStatus.Intermediate, duration: 10)   // 10·1/3 = 3.33 → 4 days left
            .Node("D", ImplementationStatus.Full, duration: 10)           // nothing left
            .Node("E", ImplementationStatus.Intermediate, duration: 3)    // 1 day left
            .Node("F", ImplementationStatus.Minimal, duration: 9)         // 9·2/3 = 6 exactly
            .Node("G", ImplementationStatus.NotInitiated, duration: 2)
            .Edge("A", "B")
            .Edge("B", "C", satisfied: true)   // a met gate does not hold C back
            .Edge("A", "E").Edge("B", "E")     // E waits for the later of A and B
            .Edge("D", "G");                   // D is finished, so its unmet gate (a metric, say) holds G back no later than today
        var graph = plan.Graph();

        var analysis = graph.Analyse(Today);

        DateOnly Finish(string code) => analysis.ProjectedFinish(plan.Id(code));
        Assert.Equal(new DateOnly(2026, 3, 11), Finish("A"));   // 1 Mar + 10
        Assert.Equal(new DateOnly(2026, 3, 18), Finish("B"));   // after A (11 Mar) + 7
        Assert.Equal(new DateOnly(2026, 3, 5), Finish("C"));    // today + 4
        Assert.Equal(new DateOnly(2026, 3, 1), Finish("D"));    // today
        Assert.Equal(new DateOnly(2026, 3, 19), Finish("E"));   // after B (18 Mar) + 1
        Assert.Equal(new DateOnly(2026, 3, 7), Finish("F"));    // today + 6
        Assert.Equal(new DateOnly(2026, 3, 3), Finish("G"));    // today + 2
    }

    [Fact]
    public void AProvisionIsAtRiskOnlyWhenItsProjectedFinishIsAfterItsDeadline()
    {
        // Each finishes on 11 Mar (today + 10).
        var plan = new Plan()
            .Node("LATE", duration: 10, deadline: new DateOnly(2026, 3, 10))
            .Node("ON-THE-DAY", duration: 10, deadline: new DateOnly(2026, 3, 11))
            .Node("NO-DEADLINE", duration: 10)
            .Node("DONE-LATE", ImplementationStatus.Full, deadline: new DateOnly(2026, 2, 1))
            .Node("PUSHED", duration: 1, deadline: new DateOnly(2026, 3, 5))   // 11 Mar + 1, behind LATE
            .Edge("LATE", "PUSHED");
        var analysis = plan.Graph().Analyse(Today);

        Assert.Equal(["LATE", "PUSHED"], analysis.AtRisk().Select(n => n.Code));
        Assert.True(analysis.AtRisk(plan.Id("LATE")));
        Assert.False(analysis.AtRisk(plan.Id("ON-THE-DAY")));
        Assert.False(analysis.AtRisk(plan.Id("NO-DEADLINE")));
        Assert.False(analysis.AtRisk(plan.Id("DONE-LATE")));
    }

    [Fact]
    public void CriticalPathOfAPhaseFollowsTheDrivingPrerequisitesOfItsLatestProvision()
    {
        // Diamond S → (L, R) → T. S: 2 days → 3 Mar. L: 5 days → 8 Mar. R: 3 days → 6 Mar.
        // T waits for the later of L and R (8 Mar), then 1 day → 9 Mar. R's gate is listed first,
        // so taking the first gate rather than the latest would give S, R, T.
        var plan = new Plan()
            .Node("S", duration: 2).Node("L", duration: 5).Node("R", duration: 3)
            .Node("T", duration: 1, phase: PhaseTwo)
            .Node("U", duration: 4, phase: PhaseTwo)                                 // 5 Mar, not the latest
            .Node("DONE", ImplementationStatus.Full, phase: PhaseTwo)
            .Edge("S", "R").Edge("S", "L").Edge("R", "T").Edge("L", "T");
        var analysis = plan.Graph().Analyse(Today);

        var two = analysis.CriticalPath(PhaseTwo);
        Assert.Equal(new DateOnly(2026, 3, 9), two.ProjectedEnd);
        Assert.Equal(["S", "L", "T"], two.Path.Select(n => n.Code));

        var one = analysis.CriticalPath(PhaseOne);
        Assert.Equal(new DateOnly(2026, 3, 8), one.ProjectedEnd);
        Assert.Equal(["S", "L"], one.Path.Select(n => n.Code));
    }

    [Fact]
    public void CriticalPathOfAFinishedPhaseIsEmpty()
    {
        var plan = new Plan().Node("A", ImplementationStatus.Full).Node("B", ImplementationStatus.Full).Node("C", phase: PhaseTwo);
        var path = plan.Graph().Analyse(Today).CriticalPath(PhaseOne);

        Assert.Null(path.ProjectedEnd);
        Assert.Empty(path.Path);
    }

    [Fact]
    public void CriticalPathDoesNotRunThroughAMetGate()
    {
        // B's gate on the long A is met, so B starts today and its path is B alone.
        var plan = new Plan().Node("A", duration: 20, phase: PhaseTwo).Node("B", duration: 2).Edge("A", "B", satisfied: true);
        var path = plan.Graph().Analyse(Today).CriticalPath(PhaseOne);

        Assert.Equal(new DateOnly(2026, 3, 3), path.ProjectedEnd);
        Assert.Equal(["B"], path.Path.Select(n => n.Code));
    }

    private static Plan KnockOnPlan() => new Plan()
        .Node("A", duration: 2)                                                       // 3 Mar
        .Node("B", duration: 3, deadline: new DateOnly(2026, 3, 10))                 // 6 Mar
        .Node("C", duration: 1, deadline: new DateOnly(2026, 3, 8))                  // 7 Mar
        .Node("D", duration: 5)                                                       // 6 Mar, unrelated
        .Node("E", duration: 1)                                                       // 2 Mar, A's gate is met
        .Node("F", duration: 1, deadline: new DateOnly(2026, 3, 3))                  // 4 Mar, already at risk
        .Edge("A", "B").Edge("B", "C").Edge("A", "E", satisfied: true).Edge("A", "F");

    [Fact]
    public void KnockOnOfASlipListsExactlyTheProvisionsWhoseFinishMoves()
    {
        var plan = KnockOnPlan();
        var analysis = plan.Graph().Analyse(Today);

        var knockOn = analysis.KnockOn(new Dictionary<Guid, DateOnly> { [plan.Id("A")] = new DateOnly(2026, 3, 5) });

        // A to 5 Mar; B 5 + 3 = 8 Mar (deadline 10 Mar); C 8 + 1 = 9 Mar (deadline 8 Mar: newly at risk);
        // F 5 + 1 = 6 Mar (was at risk already). D and E do not move.
        Assert.Equal(
            [
                new KnockOn(plan["A"], new DateOnly(2026, 3, 3), new DateOnly(2026, 3, 5), false, false),
                new KnockOn(plan["B"], new DateOnly(2026, 3, 6), new DateOnly(2026, 3, 8), false, false),
                new KnockOn(plan["C"], new DateOnly(2026, 3, 7), new DateOnly(2026, 3, 9), false, true),
                new KnockOn(plan["F"], new DateOnly(2026, 3, 4), new DateOnly(2026, 3, 6), true, true),
            ],
            knockOn);
    }

    [Fact]
    public void KnockOnOfASlipInTheMiddleOfAChainLeavesItsPrerequisitesAlone()
    {
        var plan = KnockOnPlan();
        var analysis = plan.Graph().Analyse(Today);

        var knockOn = analysis.KnockOn(new Dictionary<Guid, DateOnly> { [plan.Id("B")] = new DateOnly(2026, 3, 12) });

        Assert.Equal(
            [
                new KnockOn(plan["B"], new DateOnly(2026, 3, 6), new DateOnly(2026, 3, 12), false, true),
                new KnockOn(plan["C"], new DateOnly(2026, 3, 7), new DateOnly(2026, 3, 13), false, true),
            ],
            knockOn);
    }

    [Theory]
    [InlineData(2)]   // before A's projected finish of 3 Mar
    [InlineData(3)]   // on it
    public void ASlipNoLaterThanTheProjectedFinishChangesNothing(int day)
    {
        var plan = KnockOnPlan();
        var graph = plan.Graph();
        var analysis = graph.Analyse(Today);
        var slip = new Dictionary<Guid, DateOnly> { [plan.Id("A")] = new DateOnly(2026, 3, day) };

        Assert.Empty(analysis.KnockOn(slip));
        var slipped = graph.Analyse(Today, slip);
        Assert.All(graph.Nodes, n => Assert.Equal(analysis.ProjectedFinish(n.Id), slipped.ProjectedFinish(n.Id)));
        Assert.Equal(analysis.CriticalPath(PhaseOne).Path, slipped.CriticalPath(PhaseOne).Path);
    }
}
