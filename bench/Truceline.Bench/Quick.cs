using System.Diagnostics;
using Truceline.Plans.Sequencing;

namespace Truceline.Bench;

/// <summary>A figure in seconds, without BenchmarkDotNet: warm up, then the median of a few timed runs.</summary>
public static class Quick
{
    private const int Warmup = 5;
    private const int Iterations = 21;

    public static void Run()
    {
        var plan = SimulatedPlan.Generate();
        var graph = new PlanGraph(plan.Nodes, plan.Edges);
        var result = Sequencing.Analyse(graph, plan.Phases, SimulatedPlan.Today);

        Console.WriteLine($"Simulated plan (generated, seed {SimulatedPlan.DefaultSeed}): {plan.Nodes.Count:N0} provisions, {plan.Edges.Count:N0} dependencies " +
            $"({plan.Edges.Count(e => !e.Satisfied):N0} unmet), {plan.Phases.Length} phases, today {SimulatedPlan.Today:yyyy-MM-dd}");
        var byStatus = plan.Nodes.CountBy(n => n.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Value:N0}");
        Console.WriteLine($"  provisions by status {string.Join(", ", byStatus)}; {plan.Nodes.Count(n => n.Deadline is null):N0} without a deadline");
        Console.WriteLine($"  ready {result.Ready:N0}, blocked {result.Blocked:N0} ({result.UnmetGates:N0} unmet gates), at risk {result.AtRisk:N0}, " +
            $"critical paths {result.CriticalPathNodes:N0} provisions in all, longest {result.LongestCriticalPath:N0}");
        Console.WriteLine($"  {Environment.ProcessorCount} logical cores, .NET {Environment.Version}, {Iterations} iterations after {Warmup} warm-up, median:");

        var analyse = Median(() => Sequencing.Analyse(graph, plan.Phases, SimulatedPlan.Today));
        var build = Median(() => new PlanGraph(plan.Nodes, plan.Edges));
        var baseline = Median(() => Sequencing.NaiveKahn(plan.Nodes.Count, plan.PrerequisiteIndex, plan.DependentIndex));

        Console.WriteLine($"  analysis (Analyse + ready/blocked/at-risk + critical paths) {analyse,8:F2} ms   ratio {analyse / baseline,6:F2}");
        Console.WriteLine($"  build PlanGraph                                            {build,8:F2} ms   ratio {build / baseline,6:F2}");
        Console.WriteLine($"  naive Kahn (baseline)                                      {baseline,8:F2} ms   ratio   1.00");
        Console.WriteLine($"  target: analysis under 100 ms: {(analyse < 100 ? "met" : "NOT met")}");
    }

    private static double Median<T>(Func<T> work)
    {
        for (var i = 0; i < Warmup; i++)
        {
            GC.KeepAlive(work());
        }
        var times = new double[Iterations];
        for (var i = 0; i < Iterations; i++)
        {
            var start = Stopwatch.GetTimestamp();
            GC.KeepAlive(work());
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return times[Iterations / 2];
    }
}
