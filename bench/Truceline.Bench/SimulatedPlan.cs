using Truceline.Plans;
using Truceline.Plans.Sequencing;

namespace Truceline.Bench;

/// <summary>
/// A generated, simulated plan: no real agreement has this shape. Deterministic for a given seed, so every run
/// measures the same graph. Edges go only from a lower to a higher index, within a window, which makes it a DAG
/// with long chains (a provision's prerequisites are recent ones, their prerequisites earlier still, and so on).
/// </summary>
public sealed class SimulatedPlan
{
    public const int DefaultSeed = 20260301;

    public static readonly DateOnly Today = new(2026, 3, 1);

    private SimulatedPlan(List<GraphNode> nodes, List<GraphEdge> edges, int[] prerequisite, int[] dependent, Guid[] phases)
    {
        Nodes = nodes;
        Edges = edges;
        PrerequisiteIndex = prerequisite;
        DependentIndex = dependent;
        Phases = phases;
    }

    public IReadOnlyList<GraphNode> Nodes { get; }

    public IReadOnlyList<GraphEdge> Edges { get; }

    /// <summary>The same edges as node indices, for the baseline, which should not pay for looking up ids.</summary>
    public int[] PrerequisiteIndex { get; }

    public int[] DependentIndex { get; }

    public Guid[] Phases { get; }

    public static SimulatedPlan Generate(int provisions = 10_000, int dependencies = 50_000, int phases = 10, int window = 40, int seed = DefaultSeed)
    {
        var rng = new Random(seed);
        Guid NextGuid()
        {
            Span<byte> bytes = stackalloc byte[16];
            rng.NextBytes(bytes);
            return new Guid(bytes);
        }

        var phaseIds = Enumerable.Range(0, phases).Select(_ => NextGuid()).ToArray();
        var nodes = new List<GraphNode>(provisions);
        for (var i = 0; i < provisions; i++)
        {
            // Earlier provisions are further along, as in a plan being carried out in order.
            var progress = 1.0 - (double)i / provisions;
            var roll = rng.NextDouble() * 0.6 + progress * 0.6;
            var status = roll switch
            {
                > 0.75 => ImplementationStatus.Full,
                > 0.55 => ImplementationStatus.Intermediate,
                > 0.35 => ImplementationStatus.Minimal,
                _ => ImplementationStatus.NotInitiated,
            };
            // Deadlines spread over about two years in index order, with noise; one in eight has none.
            DateOnly? deadline = rng.Next(8) == 0 ? null : Today.AddDays((int)(i * 0.07) + rng.Next(-30, 120));
            var duration = rng.Next(1, 61);
            nodes.Add(new GraphNode(NextGuid(), $"SIM-{i:D5}", phaseIds[(int)((long)i * phases / provisions)], status, deadline, duration));
        }

        var seen = new HashSet<long>(dependencies);
        var prerequisite = new int[dependencies];
        var dependent = new int[dependencies];
        var edges = new List<GraphEdge>(dependencies);
        while (edges.Count < dependencies)
        {
            var to = rng.Next(1, provisions);
            var from = to - rng.Next(1, Math.Min(window, to) + 1);
            if (!seen.Add(((long)from << 32) | (uint)to))
            {
                continue;
            }
            var required = rng.Next(10) switch
            {
                0 or 1 => ImplementationStatus.Minimal,
                2 or 3 or 4 => ImplementationStatus.Intermediate,
                _ => ImplementationStatus.Full,
            };
            var statusMet = nodes[from].Status >= required;
            // One gate in ten also waits on a metric that has not reached its threshold.
            var metricMet = rng.Next(10) != 0;
            var satisfied = statusMet && metricMet;
            var reason = satisfied ? null : statusMet ? "simulated metric below threshold" : $"{nodes[from].Code} below status {required}";
            prerequisite[edges.Count] = from;
            dependent[edges.Count] = to;
            edges.Add(new GraphEdge(nodes[from].Id, nodes[to].Id, required, satisfied, reason));
        }
        return new SimulatedPlan(nodes, edges, prerequisite, dependent, phaseIds);
    }
}
