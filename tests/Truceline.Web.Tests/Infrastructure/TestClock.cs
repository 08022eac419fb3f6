namespace Truceline.Web.Tests.Infrastructure;

/// <summary>A clock the tests set by hand (Microsoft's FakeTimeProvider package is not available here).</summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public static readonly DateTimeOffset Default = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
