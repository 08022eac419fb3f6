using System.Diagnostics;

namespace Truceline.Bench;

/// <summary>The Stopwatch median every non-BenchmarkDotNet mode reports, after warm-up runs it does not count.</summary>
public static class Measure
{
    public static async Task<double> MedianMsAsync(Func<Task> work, int runs = 21, int warmUp = 3)
    {
        for (var i = 0; i < warmUp; i++)
        {
            await work();
        }
        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            await work();
            times[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }
}
