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
            query = query.Where(i => EF.Functions.Like(i.AllegedPartiesText, pattern));
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
    private sealed record Row(DateOnly Day, string EventType, string Governorate, IncidentState State, int Count);

    /// <summary>
    /// The counts per day, type, governorate and state (dismissed left out) that the reader may see. Without a party
    /// filter they come from the rollup table for the classifications the reader reads wholesale (public; restricted for
    /// participants; everything for the console), plus the confidential incidents the reader may see, counted from the
    /// table; with one, from the incidents (a party is not a dimension of the rollup).
    /// </summary>
    private static async Task<List<Row>> RowsAsync(TrucelineDb db, IncidentFilter scope, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(scope.Party))
        {
            return await FromIncidentsAsync(scope.Apply(db.Incidents.AsNoTracking()), ct);
        }
        var wholesale = db.ViewerSeesAll
            ? [Classification.Public, Classification.Restricted, Classification.Confidential]
            : db.ViewerParticipates ? new[] { Classification.Public, Classification.Restricted } : [Classification.Public];
        var rollup = db.IncidentDaily.AsNoTracking().Where(d => wholesale.Contains(d.Classification) && d.State != IncidentState.Dismissed && d.Count > 0);
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
        var rows = (await rollup.GroupBy(d => new { d.Day, d.EventType, d.GovernorateCode, d.State })
                .Select(g => new { g.Key.Day, g.Key.EventType, g.Key.GovernorateCode, g.Key.State, Count = g.Sum(d => d.Count) }).ToListAsync(ct))
            .Select(r => new Row(r.Day, r.EventType, r.GovernorateCode == "" ? "unknown" : r.GovernorateCode, r.State, r.Count)).ToList();
        if (!db.ViewerSeesAll)
        {
            rows.AddRange(await FromIncidentsAsync(scope.Apply(db.Incidents.AsNoTracking()).Where(i => i.Classification == Classification.Confidential), ct));
        }
        return rows;
    }

    private static async Task<List<Row>> FromIncidentsAsync(IQueryable<Incident> incidents, CancellationToken ct) =>
        (await incidents.Where(i => i.State != IncidentState.Dismissed)
            .GroupBy(i => new { i.OccurredOn, i.EventType, i.GovernorateCode, i.State })
            .Select(g => new { g.Key.OccurredOn, g.Key.EventType, g.Key.GovernorateCode, g.Key.State, Count = g.Count() })
            .ToListAsync(ct))
        .Select(r => new Row(r.OccurredOn, r.EventType, r.GovernorateCode ?? "unknown", r.State, r.Count)).ToList();

    public static async Task<IncidentCounts> CountsAsync(TrucelineDb db, IncidentFilter filter, DateOnly today, CancellationToken ct)
    {
        var to = filter.To ?? today;
        var from = filter.From ?? to.AddDays(-6);
        var days = to.DayNumber - from.DayNumber + 1;
        var previousFrom = from.AddDays(-days);
        var scope = filter with { From = previousFrom, To = to };
        var rows = await RowsAsync(db, scope, ct);
        var current = rows.Where(r => r.Day >= from).ToList();
        var previous = rows.Where(r => r.Day < from).ToList();
        IReadOnlyList<CountRow> By(Func<Row, string> key) =>
            current.Concat(previous).Select(key).Distinct().Order(StringComparer.Ordinal)
                .Select(k => new CountRow(k, current.Where(r => key(r) == k).Sum(r => r.Count), previous.Where(r => key(r) == k).Sum(r => r.Count)))
                .ToList();
        return new IncidentCounts(from, to, current.Sum(r => r.Count), previous.Sum(r => r.Count),
            current.GroupBy(r => new { r.Day, r.EventType }).Select(g => new DailyCount(g.Key.Day, g.Key.EventType, g.Sum(r => r.Count)))
                .OrderBy(d => d.Day).ThenBy(d => d.EventType, StringComparer.Ordinal).ToList(),
            By(r => r.EventType),
            By(r => r.Governorate),
            By(r => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(r.State.ToString())));
    }
}
