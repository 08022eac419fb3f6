using Truceline.Access;

namespace Truceline.Incidents;

/// <summary>
/// How many incidents there are of a day, type, governorate ('' when not known), state and classification: kept by
/// database triggers as incidents change (migration 0016), read by the daily counts instead of the incidents. Not a
/// classified record itself: readers add the classifications they may read wholesale, and count confidential
/// incidents from the table.
/// </summary>
public sealed class IncidentDaily : DailyIncidentCount;

/// <summary>
/// How many incidents alleging a party there are of a day, type, governorate, state and classification: kept by
/// database triggers (migration 0020) like <see cref="IncidentDaily"/>, read by counts filtered by party. An incident
/// naming two parties is counted under each.
/// </summary>
public sealed class IncidentDailyParty : DailyIncidentCount
{
    public required string Party { get; set; }
}

/// <summary>A row of a daily incident rollup, so one query reads either. Not an entity itself: each rollup is its own table.</summary>
public abstract class DailyIncidentCount
{
    public DateOnly Day { get; set; }

    public required string EventType { get; set; }

    public required string GovernorateCode { get; set; }

    public IncidentState State { get; set; }

    public Classification Classification { get; set; }

    public int Count { get; set; }
}
