using Truceline.Access;
using Truceline.Incidents;

namespace Truceline.Tests.Incidents;

public sealed class IncidentRulesTests
{
    private static readonly Guid[] Organisations = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];

    private static Report RandomReport(Random random) => new()
    {
        EventType = "Shelling",
        OccurredOn = new DateOnly(2026, 11, 1).AddDays(random.Next(5)),
        Latitude = 31.34 + (random.NextDouble() * 0.01),
        Longitude = 34.30 + (random.NextDouble() * 0.01),
        GeoPrecision = random.Next(1, 4),
        GovernorateCode = random.Next(3) == 0 ? "PS0275" : "PS0270",
        SourceType = (SourceType)random.Next(5),
        SubmittedByOrganisationId = Organisations[random.Next(Organisations.Length)],
        Source = random.Next(4) == 0 ? null : $"Outlet {random.Next(4)}",
        SourceFingerprint = random.Next(3) == 0 ? $"person-{random.Next(3)}" : null,
        SubEventType = random.Next(4) == 0 ? $"Sub {random.Next(2)}" : null,
        // A name with '|' in it is stored with '/' (Tokens): the tally must still know it when it comes again.
        AllegedParties = random.Next(2) == 0 ? [random.Next(3) switch { 0 => "israel", 1 => "Hamas", _ => "Group|A" }] : [],
        Classification = Classification.Restricted,
    };

    [Fact]
    public void AddingReportsToTheTallyGivesTheSummaryOfAllTheReports()
    {
        var random = new Random(20261122);
        var now = new DateTime(2026, 11, 22, 8, 0, 0, DateTimeKind.Utc);
        for (var run = 0; run < 200; run++)
        {
            var reports = Enumerable.Range(0, random.Next(1, 40)).Select(_ => RandomReport(random)).ToList();
            // As grouping does: summarised from the first batch's reports, then later batches added to the tally.
            var tallied = new Incident { EventType = "Shelling" };
            var first = random.Next(1, reports.Count + 1);
            IncidentRules.Summarise(tallied, reports[..first], now);
            for (var at = first; at < reports.Count;)
            {
                var size = random.Next(1, reports.Count - at + 1);
                Assert.True(IncidentRules.TryAdd(tallied, reports[at..(at + size)], now));
                at += size;
            }
            var whole = new Incident { EventType = "Shelling" };
            IncidentRules.Summarise(whole, reports, now);

            Assert.Equal((whole.ReportCount, whole.SourceCount, whole.Confidence, whole.GeoPrecision, whole.GovernorateCode, whole.OccurredOn, whole.SubEventType),
                (tallied.ReportCount, tallied.SourceCount, tallied.Confidence, tallied.GeoPrecision, tallied.GovernorateCode, tallied.OccurredOn, tallied.SubEventType));
            Assert.Equal(whole.ConfidenceReasons, tallied.ConfidenceReasons);
            Assert.Equal(whole.AllegedParties, tallied.AllegedParties);
            Assert.Equal(whole.Latitude, tallied.Latitude, 9);
            Assert.Equal(whole.Longitude, tallied.Longitude, 9);

            // Checked against the rules written out plainly, not only against the tally's own first pass.
            var best = reports.Min(r => r.GeoPrecision);
            var located = reports.Where(r => r.GeoPrecision == best).ToList();
            Assert.Equal(reports.Select(IncidentRules.SourceKey).Distinct().Count(), tallied.SourceCount);
            Assert.Equal(located.Average(r => r.Latitude!.Value), tallied.Latitude, 9);
            Assert.Equal(located.GroupBy(r => r.GovernorateCode).OrderByDescending(g => g.Count()).First().Key, tallied.GovernorateCode);
            Assert.Equal(reports.Min(r => r.OccurredOn), tallied.OccurredOn);
        }
    }

    [Fact]
    public void AnIncidentWithoutATallyIsNotAddedTo()
    {
        var incident = new Incident { EventType = "Shelling", ReportCount = 3 };
        Assert.False(IncidentRules.TryAdd(incident, [RandomReport(new Random(1))], DateTime.UtcNow));
        Assert.Equal(3, incident.ReportCount);
    }
}
