using System.Globalization;
using Truceline.Web.Demo;

namespace Truceline.Web.Tests.Aid;

/// <summary>The demo's generator writes nothing in the future, whatever the hour it runs at (it once wrote today's
/// later consignments, and the demo failed to load between midnight and mid-afternoon UTC).</summary>
public sealed class SimulatedConsignmentsTests
{
    [Theory]
    [InlineData("2026-11-22T00:20:00Z")]
    [InlineData("2026-11-22T06:00:00Z")]
    [InlineData("2026-11-22T12:00:00Z")]
    [InlineData("2026-11-22T23:59:00Z")]
    public void NoStageTimeIsAfterNowAtAnyHour(string nowText)
    {
        var now = DateTime.Parse(nowText, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        var today = DateOnly.FromDateTime(now);
        var csv = new StringWriter(CultureInfo.InvariantCulture);
        var n = SimulatedConsignments.Write(csv, today.AddDays(-3), today, 40, now, new Random(2025), "T");
        var lines = csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(n + 1, lines.Length);
        Assert.True(n >= 120, $"{n} consignments");
        var times = lines.Skip(1).SelectMany(l => l.Split(',')).Where(f => f.Length == 20 && f.EndsWith('Z') && f[10] == 'T')
            .Select(f => DateTime.Parse(f, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal)).ToList();
        Assert.NotEmpty(times);
        Assert.All(times, t => Assert.True(t <= now, $"{t:o} is after {now:o}"));
    }
}
