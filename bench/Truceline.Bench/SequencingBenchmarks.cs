using BenchmarkDotNet.Attributes;
using Truceline.Plans.Sequencing;

namespace Truceline.Bench;

[MemoryDiagnoser]
public class SequencingBenchmarks
{
    private SimulatedPlan _plan = null!;
    private PlanGraph _graph = null!;

    [GlobalSetup]
    public void Setup()
    {
        _plan = SimulatedPlan.Generate();
        _graph = new PlanGraph(_plan.Nodes, _plan.Edges);
        if (Sequencing.NaiveKahn(_plan.Nodes.Count, _plan.PrerequisiteIndex, _plan.DependentIndex).Length != _plan.Nodes.Count)
        {
            throw new InvalidOperationException("The simulated plan should be acyclic.");
        }
    }

    [Benchmark(Description = "Analyse + ready/blocked/at-risk + critical paths")]
    public Sequencing.Result Analyse() => Sequencing.Analyse(_graph, _plan.Phases, SimulatedPlan.Today);

    [Benchmark(Description = "Build PlanGraph")]
    public PlanGraph Build() => new(_plan.Nodes, _plan.Edges);

    [Benchmark(Baseline = true, Description = "Naive Kahn (baseline)")]
    public int[] NaiveKahn() => Sequencing.NaiveKahn(_plan.Nodes.Count, _plan.PrerequisiteIndex, _plan.DependentIndex);
}
