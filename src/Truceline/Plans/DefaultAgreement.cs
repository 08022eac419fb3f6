using Microsoft.EntityFrameworkCore;
using Truceline.Data;

namespace Truceline.Plans;

/// <summary>
/// The agreement a record attaches to when it does not name one. An incident attaches to the agreement in force on the
/// day it happened: the earliest-created one whose phases span that day (from its first phase's start, to its last
/// phase's end, or open-ended when a phase has no end). Anything else, or a day no agreement spans, attaches to the
/// earliest created. Read past the viewer's filter, so every writer attaches to the same agreement whatever it may read.
/// </summary>
public static class DefaultAgreement
{
    public static Task<Guid?> IdAsync(TrucelineDb db, CancellationToken ct) =>
        db.Agreements.IgnoreQueryFilters().OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).Select(a => (Guid?)a.Id).FirstOrDefaultAsync(ct);

    /// <summary>The agreements' spans, read once, to choose by day for many records.</summary>
    public sealed class ByDay(IReadOnlyList<(Guid Id, DateOnly? From, DateOnly? To)> spans)
    {
        public Guid? For(DateOnly day) =>
            spans.Where(s => s.From is { } from && from <= day && (s.To is null || day <= s.To)).Select(s => (Guid?)s.Id).FirstOrDefault()
            ?? spans.Select(s => (Guid?)s.Id).FirstOrDefault();

        /// <summary>
        /// When the agreement's phases say it is not in force on the day, the days it is ("from 2025-10-10 to …");
        /// null when it is, or when its phases give no start.
        /// </summary>
        public string? NotInForce(Guid id, DateOnly day) =>
            spans.FirstOrDefault(s => s.Id == id) is { From: { } from } span && (day < from || span.To is { } to && day > to)
                ? $"from {from:yyyy-MM-dd}{(span.To is { } end ? $" to {end:yyyy-MM-dd}" : "")}"
                : null;

        /// <summary>Whether each record would attach as it would by <paramref name="other"/>: the same agreements, spanning the same days.</summary>
        public bool SameAs(ByDay other) => spans.SequenceEqual(other.Spans);

        private IReadOnlyList<(Guid Id, DateOnly? From, DateOnly? To)> Spans => spans;
    }

    public static async Task<ByDay> ByDayAsync(TrucelineDb db, CancellationToken ct)
    {
        var agreements = await db.Agreements.IgnoreQueryFilters().AsNoTracking().OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).Select(a => a.Id).ToListAsync(ct);
        var phases = (await db.Phases.IgnoreQueryFilters().AsNoTracking().Select(p => new { p.AgreementId, p.StartsOn, p.EndsOn }).ToListAsync(ct))
            .ToLookup(p => p.AgreementId);
        return new ByDay(agreements.Select(id =>
        {
            var mine = phases[id].ToList();
            var from = mine.Where(p => p.StartsOn is not null).Select(p => p.StartsOn).Min();
            // Open-ended when any phase has a start but no end: the agreement is still in force.
            var to = mine.Any(p => p.StartsOn is not null && p.EndsOn is null) ? null : mine.Select(p => p.EndsOn).Max();
            return (id, from, to);
        }).ToList());
    }
}
