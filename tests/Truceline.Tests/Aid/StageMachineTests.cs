using Truceline.Aid;

namespace Truceline.Tests.Aid;

public sealed class StageMachineTests
{
    // Written out by hand from the issue: every pair not listed here must be refused.
    private static readonly HashSet<(ConsignmentStage, ConsignmentStage)> Legal =
    [
        (ConsignmentStage.Requested, ConsignmentStage.Cleared), (ConsignmentStage.Requested, ConsignmentStage.Denied),
        (ConsignmentStage.Cleared, ConsignmentStage.ArrivedAtCrossing), (ConsignmentStage.Cleared, ConsignmentStage.Intercepted),
        (ConsignmentStage.Cleared, ConsignmentStage.Returned), (ConsignmentStage.Cleared, ConsignmentStage.Lost),
        (ConsignmentStage.ArrivedAtCrossing, ConsignmentStage.Offloaded), (ConsignmentStage.ArrivedAtCrossing, ConsignmentStage.Returned),
        (ConsignmentStage.ArrivedAtCrossing, ConsignmentStage.Intercepted), (ConsignmentStage.ArrivedAtCrossing, ConsignmentStage.Lost),
        (ConsignmentStage.Offloaded, ConsignmentStage.Collected), (ConsignmentStage.Offloaded, ConsignmentStage.Intercepted), (ConsignmentStage.Offloaded, ConsignmentStage.Lost),
        (ConsignmentStage.Collected, ConsignmentStage.ReachedDestination), (ConsignmentStage.Collected, ConsignmentStage.Intercepted), (ConsignmentStage.Collected, ConsignmentStage.Lost),
    ];

    public static TheoryData<ConsignmentStage, ConsignmentStage> EveryPair()
    {
        var data = new TheoryData<ConsignmentStage, ConsignmentStage>();
        foreach (var from in Enum.GetValues<ConsignmentStage>())
        {
            foreach (var to in Enum.GetValues<ConsignmentStage>())
            {
                data.Add(from, to);
            }
        }
        return data;
    }

    [Theory, MemberData(nameof(EveryPair))]
    public void EachStepIsAllowedExactlyWhenTheTableSaysSo(ConsignmentStage from, ConsignmentStage to) =>
        Assert.Equal(Legal.Contains((from, to)), Stages.Next(from).Contains(to));

    [Fact]
    public void EndingsOtherThanDeliveryNeedAReasonAndAreFinal()
    {
        foreach (var stage in new[] { ConsignmentStage.Denied, ConsignmentStage.Intercepted, ConsignmentStage.Returned, ConsignmentStage.Lost })
        {
            Assert.True(Stages.NeedsReason(stage));
            Assert.True(Stages.IsFinal(stage));
        }
        Assert.True(Stages.IsFinal(ConsignmentStage.ReachedDestination));
        Assert.False(Stages.NeedsReason(ConsignmentStage.ReachedDestination));
    }

    [Fact]
    public void TheEquityIndexIsOneMinusHalfTheGapBetweenSharesOfTonnesAndOfNeed()
    {
        Assert.Equal(1.0, AidFigures.EquityIndex([(100, 1000), (300, 3000)]));
        Assert.Equal(0.75, AidFigures.EquityIndex([(200, 100_000), (200, 300_000), (0, 0)]));
        Assert.Equal(0.0, AidFigures.EquityIndex([(500, 0), (0, 10)]));
        Assert.Null(AidFigures.EquityIndex([(0, 10), (0, 20)]));
        Assert.Null(AidFigures.EquityIndex([(10, 10), (5, null)]));
    }

    [Fact]
    public void DurationBucketsAreFivePercentWideSoPercentilesAreWithinTwoAndAHalfPercent()
    {
        foreach (var hours in new[] { 0.5, 1, 2, 7.5, 30, 240 })
        {
            var seconds = (long)(hours * 3600);
            var back = AidRollup.BucketSeconds(AidRollup.Bucket(seconds));
            Assert.InRange(back / seconds, 0.975, 1.026);
        }
        Assert.Equal(0, AidRollup.Bucket(59));
        Assert.Equal(5.0, AidFigures.Percentile([(AidRollup.Bucket(5 * 3600), 1)], 0.5)!.Value, 0.2);
    }
}
