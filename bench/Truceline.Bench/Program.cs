using BenchmarkDotNet.Running;
using Truceline.Bench;

// The plan measured here is generated (simulated data), not a real agreement.
if (args.Contains("--quick"))
{
    Quick.Run();
    return;
}
if (args.Contains("--intake-writer"))
{
    await IntakeWriter.RunAsync();
    return;
}
if (args.Contains("--intake"))
{
    await Intake.RunAsync();
    return;
}
if (args.Contains("--incident-queries"))
{
    await IncidentQueriesBench.RunAsync();
    return;
}
if (args.Contains("--grouping"))
{
    Grouping.Run();
    return;
}
if (args.Contains("--aid"))
{
    int Arg(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
    await AidBench.RunAsync(Arg("--days", 365), Arg("--per-day", 1200), Arg("--moves", 200_000));
    return;
}
if (args.Contains("--log"))
{
    var at = Array.IndexOf(args, "--leaves");
    await LogBench.RunAsync(at >= 0 && at + 1 < args.Length ? long.Parse(args[at + 1]) : 1_000_000);
    return;
}
if (args.Contains("--portal"))
{
    await PortalBench.RunAsync();
    return;
}
if (args.Contains("--transparency"))
{
    TransparencyBench.Run();
    return;
}
if (args.Contains("--classification"))
{
    Classification.Run();
    return;
}
Console.WriteLine("Sequencing benchmarks over a generated (simulated) plan: 10,000 provisions, 50,000 dependencies, 10 phases.");
// Run everything unless told otherwise, rather than asking at the console.
string[] filtered = args.Any(a => a is "--filter" or "-f" or "--list") ? args : [.. args, "--filter", "*"];
BenchmarkSwitcher.FromAssembly(typeof(SequencingBenchmarks).Assembly).Run(filtered);
