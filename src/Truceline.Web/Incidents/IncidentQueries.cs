using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Data;
using Truceline.Incidents;

namespace Truceline.Web.Incidents;

/// <summary>The filters shared by the incident list, map, counts and API.</summary>
public sealed record IncidentFilter(DateOnly? From, DateOnly? To, string? EventType, IncidentState? State, string? Governorate, string? Party)
{
    public IQueryable<Incident> Apply(IQueryable<Incident> query)
    {
        if (From is { } from)
        {
            query = query.Where(i => i.OccurredOn >= from);
        }
        if (To is { } to)
        {
            query = query.Where(i => i.OccurredOn <= to);
        }
        if (!string.IsNullOrWhiteSpace(EventType))
        {
            query = query.Where(i => i.EventType == EventType);
        }
        if (State is { } state)
        {
            query = query.Where(i => i.State == state);
        }
        if (!string.IsNullOrWhiteSpace(Governorate))
        {
            query = query.Where(i => i.GovernorateCode == Governorate);
        }
        if (!string.IsNullOrWhiteSpace(Party))
        {
            var pattern = Tokens.Pattern(Party.Trim());
            query = query.Where(i => EF.Functions.Like(i.AllegedPartiesText, pattern, Tokens.LikeEscape));
        }
        return query;
    }
}

public sealed record CountRow(string Key, int Count, int Previous)
{
    public int Change => Count - Previous;
}

public sealed record DailyCount(DateOnly Day, string EventType, int Count);

/// <summary>Daily counts by type, and totals by governorate and state, with the change on the previous period of the
/// same length: how ceasefire monitoring missions report them (the OSCE's daily reports, for example).</summary>
public sealed record IncidentCounts(DateOnly From, DateOnly To, int Total, int PreviousTotal, IReadOnlyList<DailyCount> Daily,
    IReadOnlyList<CountRow> ByType, IReadOnlyList<CountRow> ByGovernorate, IReadOnlyList<CountRow> ByState);

public static class IncidentQueries
{
    /// <summary>How many incidents of a day and type.</summary>
    private sealed record DayType(DateOnly Day, string EventType, int Count);

    /// <summary>How many incidents of a governorate and state, in the period asked or the one before.</summary>
    private sealed record GovernorateState(string Governorate, IncidentState State, bool Current, int Count);

    private static readonly Dictionary<IncidentState, string> StateNames =
        Enum.GetValues<IncidentState>().ToDictionary(s => s, s => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(s.ToString()));

    /// <summary>
    /// The counts (dismissed left out) that the reader may see, as two breakdowns: by day and type, and by governorate
    /// and state. They come from a rollup table (<c>incident_daily</c>, or <c>incident_daily_party</c> for one party)
    /// for the classifications the reader reads wholesale (public; restricted for participants; everything for the
    /// console), plus the confidential incidents the reader may see, counted from the table when the rollup says there
    /// are any. Each breakdown is one grouped query, so a year costs what a week does.
    /// </summary>
    private static Task<(List<DayType> Days, List<GovernorateState> Places)> RowsAsync(TrucelineDb db, IncidentFilter scope, DateOnly from, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(scope.Party))
        {
            return RollupAsync(db, db.IncidentDaily.AsNoTracking(), scope, from, ct);
        }
        // As the list's filter matches it (Tokens.Pattern): the party trimmed, a '|' kept as '/'.
        var party = scope.Party.Trim().Replace("|", "/", StringComparison.Ordinal);
        return RollupAsync(db, db.IncidentDailyParty.AsNoTracking().Where(d => d.Party == party), scope, from, ct);
    }

    private static async Task<(List<DayType> Days, List<GovernorateState> Places)> RollupAsync<T>(TrucelineDb db, IQueryable<T> rollup, IncidentFilter scope, DateOnly from, CancellationToken ct)
        where T : DailyIncidentCount
    {
        rollup = rollup.Where(d => d.State != IncidentState.Dismissed && d.Count != 0);
        if (scope.From is { } f)
        {
            rollup = rollup.Where(d => d.Day >= f);
        }
        if (scope.To is { } t)
        {
            rollup = rollup.Where(d => d.Day <= t);
        }
        if (!string.IsNullOrWhiteSpace(scope.EventType))
        {
            rollup = rollup.Where(d => d.EventType == scope.EventType);
        }
        if (scope.State is { } state)
        {
            rollup = rollup.Where(d => d.State == state);
        }
        if (!string.IsNullOrWhiteSpace(scope.Governorate))
        {
            rollup = rollup.Where(d => d.GovernorateCode == scope.Governorate);
        }
        var wholesale = db.ViewerSeesAll
            ? [Classification.Public, Classification.Restricted, Classification.Confidential]
            : db.ViewerParticipates ? new[] { Classification.Public, Classification.Restricted } : [Classification.Public];
        var mine = rollup.Where(d => wholesale.Contains(d.Classification));
        var days = (await mine.GroupBy(d => new { d.Day, d.EventType }).Select(g => new { g.Key.Day, g.Key.EventType, Count = g.Sum(d => d.Count) }).ToListAsync(ct))
            .Select(r => new DayType(r.Day, r.EventType, r.Count)).ToList();
        var places = (await mine.GroupBy(d => new { d.GovernorateCode, d.State, Current = d.Day >= from })
                .Select(g => new { g.Key.GovernorateCode, g.Key.State, g.Key.Current, Count = g.Sum(d => d.Count) }).ToListAsync(ct))
            .Select(r => new GovernorateState(r.GovernorateCode == "" ? "unknown" : r.GovernorateCode, r.State, r.Current, r.Count)).ToList();
        if (!db.ViewerSeesAll && await rollup.AnyAsync(d => d.Classification == Classification.Confidential, ct))
        {
            // Readers of confidential incidents differ per organisation: those this reader may see, from the table.
            var (moreDays, morePlaces) = await FromIncidentsAsync(scope.Apply(db.Incidents.AsNoTracking()).Where(i => i.Classification == Classification.Confidential), from, ct);
            days.AddRange(moreDays);
            places.AddRange(morePlaces);
        }
        return (days, places);
    }

    private static async Task<(List<DayType>, List<GovernorateState>)> FromIncidentsAsync(IQueryable<Incident> incidents, DateOnly from, CancellationToken ct)
    {
        var rows = await incidents.Where(i => i.State != IncidentState.Dismissed)
            .GroupBy(i => new { i.OccurredOn, i.EventType, i.GovernorateCode, i.State })
            .Select(g => new { g.Key.OccurredOn, g.Key.EventType, g.Key.GovernorateCode, g.Key.State, Count = g.Count() })
            .ToListAsync(ct);
        return (rows.Select(r => new DayType(r.OccurredOn, r.EventType, r.Count)).ToList(),
            rows.Select(r => new GovernorateState(r.GovernorateCode ?? "unknown", r.State, r.OccurredOn >= from, r.Count)).ToList());
    }

    public static async Task<IncidentCounts> CountsAsync(TrucelineDb db, IncidentFilter filter, DateOnly today, CancellationToken ct)
    {
        var to = filter.To ?? today;
        var from = filter.From ?? to.AddDays(-6);
        var span = to.DayNumber - from.DayNumber + 1;
        var previousFrom = from.AddDays(-span);
        var (days, places) = await RowsAsync(db, filter with { From = previousFrom, To = to }, from, ct);
        static IReadOnlyList<CountRow> By<T>(IEnumerable<T> rows, Func<T, string> key, Func<T, bool> current, Func<T, int> count) =>
            rows.GroupBy(key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new CountRow(g.Key, g.Where(current).Sum(count), g.Where(r => !current(r)).Sum(count))).ToList();
        var now = days.Where(d => d.Day >= from).Sum(d => d.Count);
        return new IncidentCounts(from, to, now, days.Sum(d => d.Count) - now,
            days.Where(d => d.Day >= from).GroupBy(d => (d.Day, d.EventType)).Select(g => new DailyCount(g.Key.Day, g.Key.EventType, g.Sum(d => d.Count)))
                .OrderBy(d => d.Day).ThenBy(d => d.EventType, StringComparer.Ordinal).ToList(),
            By(days, d => d.EventType, d => d.Day >= from, d => d.Count),
            By(places, p => p.Governorate, p => p.Current, p => p.Count),
            By(places, p => StateNames[p.State], p => p.Current, p => p.Count));
    }
}
