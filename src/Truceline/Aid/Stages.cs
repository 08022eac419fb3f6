namespace Truceline.Aid;

/// <summary>The stage machine: which stage may follow which, and which need a reason.</summary>
public static class Stages
{
    public static IReadOnlyList<ConsignmentStage> Next(ConsignmentStage from) => from switch
    {
        ConsignmentStage.Requested => [ConsignmentStage.Cleared, ConsignmentStage.Denied],
        ConsignmentStage.Cleared => [ConsignmentStage.ArrivedAtCrossing, ConsignmentStage.Intercepted, ConsignmentStage.Returned, ConsignmentStage.Lost],
        // Turned back at inspection is "returned"; a denial is the answer to the request, before anything moves.
        ConsignmentStage.ArrivedAtCrossing => [ConsignmentStage.Offloaded, ConsignmentStage.Returned, ConsignmentStage.Intercepted, ConsignmentStage.Lost],
        ConsignmentStage.Offloaded => [ConsignmentStage.Collected, ConsignmentStage.Intercepted, ConsignmentStage.Lost],
        ConsignmentStage.Collected => [ConsignmentStage.ReachedDestination, ConsignmentStage.Intercepted, ConsignmentStage.Lost],
        ConsignmentStage.ReachedDestination or ConsignmentStage.Denied or ConsignmentStage.Intercepted
            or ConsignmentStage.Returned or ConsignmentStage.Lost => [],
    };

    public static bool IsFinal(ConsignmentStage stage) => Next(stage).Count == 0;

    /// <summary>An ending that is not delivery: the sender must say why.</summary>
    public static bool NeedsReason(ConsignmentStage stage) => stage switch
    {
        ConsignmentStage.Denied or ConsignmentStage.Intercepted or ConsignmentStage.Returned or ConsignmentStage.Lost => true,
        ConsignmentStage.Requested or ConsignmentStage.Cleared or ConsignmentStage.ArrivedAtCrossing or ConsignmentStage.Offloaded
            or ConsignmentStage.Collected or ConsignmentStage.ReachedDestination => false,
    };

    /// <summary>The stages of a consignment that goes all the way, in order: the funnel's steps.</summary>
    public static readonly IReadOnlyList<ConsignmentStage> Path =
    [
        ConsignmentStage.Requested, ConsignmentStage.Cleared, ConsignmentStage.ArrivedAtCrossing,
        ConsignmentStage.Offloaded, ConsignmentStage.Collected, ConsignmentStage.ReachedDestination,
    ];

    /// <summary>Goods count as having entered once offloaded on the Gaza side of the crossing.</summary>
    public static bool HasEntered(ConsignmentStage stage) =>
        stage is ConsignmentStage.Offloaded or ConsignmentStage.Collected or ConsignmentStage.ReachedDestination;

    public static string Slug(this ConsignmentStage stage) => stage switch
    {
        ConsignmentStage.Requested => "requested",
        ConsignmentStage.Cleared => "cleared",
        ConsignmentStage.Denied => "denied",
        ConsignmentStage.ArrivedAtCrossing => "arrived-at-crossing",
        ConsignmentStage.Offloaded => "offloaded",
        ConsignmentStage.Collected => "collected",
        ConsignmentStage.ReachedDestination => "reached-destination",
        ConsignmentStage.Intercepted => "intercepted",
        ConsignmentStage.Returned => "returned",
        ConsignmentStage.Lost => "lost",
    };

    public static bool TryParse(string? text, out ConsignmentStage stage)
    {
        foreach (var candidate in Enum.GetValues<ConsignmentStage>())
        {
            if (string.Equals(text, candidate.Slug(), StringComparison.OrdinalIgnoreCase)
                || string.Equals(text, candidate.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                stage = candidate;
                return true;
            }
        }
        stage = default;
        return false;
    }

    /// <summary>The CSV column holding the time a consignment reached a stage (import, export and the demo agree on it).</summary>
    public static string CsvColumn(this ConsignmentStage stage) => stage.Slug().Replace('-', '_') + "_at";

    public static string Slug(this CommodityCategory category) => category switch
    {
        CommodityCategory.Food => "food",
        CommodityCategory.Water => "water",
        CommodityCategory.Medical => "medical",
        CommodityCategory.Shelter => "shelter",
        CommodityCategory.Fuel => "fuel",
        CommodityCategory.Hygiene => "hygiene",
        CommodityCategory.NonFood => "non-food",
        CommodityCategory.Mixed => "mixed",
        CommodityCategory.Other => "other",
    };

    public static bool TryParseCategory(string? text, out CommodityCategory category)
    {
        foreach (var candidate in Enum.GetValues<CommodityCategory>())
        {
            if (string.Equals(text, candidate.Slug(), StringComparison.OrdinalIgnoreCase)
                || string.Equals(text, candidate.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                category = candidate;
                return true;
            }
        }
        category = default;
        return false;
    }
}
