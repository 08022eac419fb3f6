using Truceline.Plans.Sequencing;

namespace Truceline.Bench;

/// <summary>The work each benchmark measures, shared by the BenchmarkDotNet suite and the --quick mode.</summary>
public static class Sequencing
{
    public sealed record Result(int Ready, int Blocked, int UnmetGates, int AtRisk, int CriticalPathNodes, int LongestCriticalPath);

    /// <summary>What the sequencing API computes for a plan: the analysis, then ready, blocked with each one's
    /// direct unmet gates, at-risk, and the critical path of every phase.</summary>
    public static Result Analyse(PlanGraph graph, Guid[] phases, DateOnly today)
    {
        var analysis = graph.Analyse(today);
        var ready = analysis.Ready().ToList();
        var blocked = analysis.Blocked().Select(n => (Node: n, Gates: analysis.UnmetGates(n.Id).ToList())).ToList();
        var atRisk = analysis.AtRisk().ToList();
        var paths = phases.Select(analysis.CriticalPath).ToList();
        return new Result(ready.Count, blocked.Count, blocked.Sum(b => b.Gates.Count), atRisk.Count,
            paths.Sum(p => p.Path.Count), paths.Max(p => p.Path.Count));
    }

    /// <summary>
    /// The baseline: a plain Kahn topological sort with <c>List&lt;int&gt;[]</c> adjacency, over the same edges
    /// already given as node indices. Any analysis of the plan has to do at least this much.
    /// </summary>
    public static int[] NaiveKahn(int nodeCount, int[] prerequisite, int[] dependent)
    {
        var adjacency = new List<int>[nodeCount];
        for (var i = 0; i < nodeCount; i++)
        {
            adjacency[i] = [];
        }
        var indegree = new int[nodeCount];
        for (var e = 0; e < prerequisite.Length; e++)
        {
            adjacency[prerequisite[e]].Add(dependent[e]);
            indegree[dependent[e]]++;
        }
        var queue = new Queue<int>();
        for (var i = 0; i < nodeCount; i++)
        {
            if (indegree[i] == 0)
            {
                queue.Enqueue(i);
            }
        }
        var order = new List<int>(nodeCount);
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            order.Add(node);
            foreach (var next in adjacency[node])
            {
                if (--indegree[next] == 0)
                {
                    queue.Enqueue(next);
                }
            }
        }
        return [.. order];
    }
}
