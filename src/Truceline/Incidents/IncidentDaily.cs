using Truceline.Access;

namespace Truceline.Incidents;

/// <summary>
/// How many incidents there are of a day, type, governorate ('' when not known), state and classification: kept by
/// database triggers as incidents change (migration 0016), read by the daily counts instead of the incidents. Not a
/// classified record itself: readers add the classifications they may read wholesale, and count confidential
/// incidents from the table.
/// </summary>
public sealed class IncidentDaily
{
    public DateOnly Day { get; set; }

    public required string EventType { get; set; }

    public required string GovernorateCode { get; set; }

    public IncidentState State { get; set; }

    public Classification Classification { get; set; }

    public int Count { get; set; }
}
