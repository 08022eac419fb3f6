using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Grievances;

/// <summary>What every handling step shares: finding the case as this officer may see it, checking the step is allowed
/// from its state (409 otherwise, naming both), and recording the step in the case's history.</summary>
internal static class GrievanceSteps
{
    public const int MaxNote = 2_000;

    public static async Task<Outcome<Grievance>> CaseAsync(TrucelineDb db, Guid id, string step, GrievanceState[] from, CancellationToken ct)
    {
        var grievance = await db.Grievances.FirstOrDefaultAsync(g => g.Id == id, ct);
        if (grievance is null)
        {
            return Failure.NotFound($"There is no complaint {id} that you may handle.");
        }
        // Readers include the organisation that referred the case on (to follow it); only the handling one acts on it.
        if (db.Viewer.OrganisationId != grievance.HandlingOrganisationId && !db.ViewerIsSystem)
        {
            return new Failure(FailureKind.Forbidden, "Forbidden", "Only the organisation handling the complaint acts on it; yours referred it on.");
        }
        if (!from.Contains(grievance.State))
        {
            return Failure.Conflict("Not allowed in this state",
                $"A complaint that is {SubmitGrievance.Camel(grievance.State.ToString())} cannot be {step}; it can be from {string.Join(" or ", from.Select(s => SubmitGrievance.Camel(s.ToString())))}.");
        }
        return grievance;
    }

    public static void Record(TrucelineDb db, Grievance grievance, DateTime at, string kind, string? note, Guid? from = null, Guid? to = null) =>
        db.GrievanceEvents.Add(new GrievanceEvent
        {
            GrievanceId = grievance.Id, At = at, Kind = kind, ByUserId = db.Viewer.UserId, FromOrganisationId = from, ToOrganisationId = to,
            Note = note, ConfidentialTo = grievance.ConfidentialTo,
        });

    public static string? Note(string? text, string field, FieldErrors errors, bool required)
    {
        var note = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
        if ((required && note is null) || note is { Length: > MaxNote })
        {
            errors.Add(field, required ? $"is required (at most {MaxNote} characters)" : $"is at most {MaxNote} characters");
        }
        return note;
    }

    public static readonly GrievanceState[] Open = [.. Enum.GetValues<GrievanceState>().Where(Grievance.IsOpen)];
}
