using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Grievances;

/// <summary>
/// What a tracking code shows its holder: the state, the dates, the answer. Nothing else: not the text (they wrote
/// it), not who handles it, not their contact. The code is the only key; a wrong one is indistinguishable from none,
/// and the web layer limits how fast codes can be tried.
/// </summary>
public static class TrackGrievance
{
    public sealed record View(string Code, GrievanceState State, GrievanceCategory Category, DateTime ReceivedAt, DateTime RespondBy,
        DateTime? AcknowledgedAt, DateTime? RespondedAt, DateTime? ClosedAt, string? Response, bool? Satisfied, bool CanClose, bool CanAppeal);

    public static async Task<Grievance?> FindAsync(TrucelineDb db, PersonalData personalData, string? typed, CancellationToken ct)
    {
        var code = SubmitGrievance.NormaliseCode(typed);
        if (code is null)
        {
            return null;
        }
        var hash = personalData.Fingerprint(code);
        // The code is the capability: it opens this one case whoever asks, so the viewer's filter is set aside for it alone.
        return await db.Grievances.IgnoreQueryFilters().FirstOrDefaultAsync(g => g.TrackingHash == hash, ct);
    }

    public static async Task<View?> RunAsync(TrucelineDb db, PersonalData personalData, string? typed, CancellationToken ct = default) =>
        await FindAsync(db, personalData, typed, ct) is { } g ? ToView(g, SubmitGrievance.NormaliseCode(typed)!) : null;

    public static View ToView(Grievance g, string code) => new(code, g.State, g.Category, g.ReceivedAt, g.RespondBy, g.AcknowledgedAt, g.RespondedAt,
        g.ClosedAt, g.Response, g.Satisfied, CanClose: g.State == GrievanceState.Responded,
        CanAppeal: g.State is GrievanceState.Responded or GrievanceState.Closed);
}
