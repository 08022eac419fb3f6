using System.Text.RegularExpressions;
using Truceline.Plans.Files;

namespace Truceline.Tests.Plans;

/// <summary>The shipped plan is built from the two seed articles: every quote must be found in the article it names.</summary>
public sealed partial class GazaPlanFileTests
{
    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    private static string Collapse(string text) => Whitespace().Replace(text, " ").Trim();

    private static PlanFile Plan()
    {
        var parsed = ImportPlan.Parse(File.ReadAllText(Path.Combine(TestPaths.Root, "data", "plans", "gaza-comprehensive-plan.json")));
        Assert.True(parsed.Succeeded, parsed.Failure?.Detail);
        return parsed.Value!;
    }

    [Fact]
    public void EveryQuoteIsFoundVerbatimInTheSeedArticleItNames()
    {
        // ../shared/seeds beside the work tree, read in place.
        var seeds = Path.Combine(TestPaths.Shared, "seeds");
        var articles = new Dictionary<string, string>
        {
            ["seed-000"] = Collapse(File.ReadAllText(Path.Combine(seeds, "000_04081f6c42232b4e.txt"))),
            ["seed-004"] = Collapse(File.ReadAllText(Path.Combine(seeds, "004_b90942b8f031dce6.txt"))),
        };
        var plan = Plan();
        var quotes = plan.Agreement!.Phases!.SelectMany(ph => ph.Provisions!)
            .SelectMany(p => new[] { (Code: p.Code ?? "", p.Source) }.Concat((p.DependsOn ?? []).Where(d => d.Source is not null).Select(d => ($"{p.Code}→{d.Provision}", d.Source))))
            .ToList();
        Assert.True(quotes.Count >= 23);
        foreach (var (where, source) in quotes)
        {
            Assert.True(articles.ContainsKey(source!.Ref!), $"{where} names an unknown source {source.Ref}");
            Assert.True(articles[source.Ref!].Contains(Collapse(source.Quote!), StringComparison.Ordinal), $"{where}: quote not found in {source.Ref}: {source.Quote}");
        }
    }

    [Fact]
    public void ThePlanIsValidMarkedSimulatedAndCarriesTheArticlesPhaseOneOutcomes()
    {
        var plan = Plan();
        Assert.False(ImportPlan.Validate(plan).Any);
        Assert.True(plan.Agreement!.Simulated);
        Assert.Contains("simulated", plan.Agreement.SimulatedNote);
        var phase1 = plan.Agreement.Phases![0].Provisions!.ToDictionary(p => p.Code!);
        Assert.Equal(3, phase1["P1-HOSTAGES-LIVING"].Status);   // "the release of all surviving hostages"
        Assert.Equal(2, phase1["P1-HOSTAGES-DECEASED"].Status); // "most deceased hostages", one remains
        Assert.Equal(3, phase1["P1-WITHDRAWAL"].Status);        // "a partial withdrawal of Israeli forces"
        var phase2 = plan.Agreement.Phases[1].Provisions!.ToDictionary(p => p.Code!);
        // "Israel will move further from the so-called “yellow line” ahead of the international force taking over"
        Assert.Contains(phase2["P2-ISF-TAKEOVER"].DependsOn!, d => d.Provision == "P2-YELLOW-LINE");
        Assert.Contains(phase2["P2-YELLOW-LINE"].DependsOn!, d => d.Provision == "P2-ISF-DEPLOY");
        foreach (var measure in new[] { "P2-TRADE", "P2-INFRA", "P2-ENERGY", "P2-WATER" })
        {
            Assert.Contains(phase2["P2-RECONSTRUCTION"].DependsOn!, d => d.Provision == measure);
        }
    }
}
