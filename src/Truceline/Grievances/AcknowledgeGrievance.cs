using Microsoft.EntityFrameworkCore;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Grievances;

/// <summary>Triage: the handling organisation acknowledges a complaint and sets its severity; the deadlines follow the
/// severity, counted from when the complaint was received.</summary>
public static class AcknowledgeGrievance
{
    /// <summary>Category, when given, corrects the complainant's (an SMS arrives as "other"); making a case
    /// safeguarding hands it to the safeguarding officers alone, and its history with it.</summary>
    /// <summary>Provision and incident, when given, tie the complaint to the plan: a provision's code, an incident's id.</summary>
    public sealed record Request(string? Severity, string? Note, string? Category = null, string? Provision = null, Guid? Incident = null);

    public static Task<Outcome<Grievance>> RunAsync(TrucelineDb db, Guid id, Request request, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync<Grievance>(db, async () =>
        {
            var errors = new FieldErrors();
            var severity = GrievanceSeverity.Medium;
            if (request.Severity is null || !Enum.TryParse(request.Severity, ignoreCase: true, out severity) || !Enum.IsDefined(severity) || int.TryParse(request.Severity, out _))
            {
                errors.Add("severity", "is required: low, medium, high or critical");
            }
            var note = GrievanceSteps.Note(request.Note, "note", errors, required: false);
            GrievanceCategory? category = null;
            if (request.Category is not null)
            {
                if (Enum.TryParse<GrievanceCategory>(request.Category, ignoreCase: true, out var c) && Enum.IsDefined(c) && !int.TryParse(request.Category, out _))
                {
                    category = c;
                }
                else
                {
                    errors.Add("category", $"is one of {string.Join(", ", Enum.GetNames<GrievanceCategory>().Select(SubmitGrievance.Camel))}");
                }
            }
            var provision = string.IsNullOrWhiteSpace(request.Provision) ? null : request.Provision.Trim();
            if (provision is not null && !await db.Provisions.AnyAsync(p => p.Code == provision, ct))
            {
                errors.Add("provision", $"'{(provision.Length > 60 ? provision[..60] + "…" : provision)}' is not a provision you may see");
            }
            if (request.Incident is { } incident && !await db.Incidents.AnyAsync(i => i.Id == incident, ct))
            {
                errors.Add("incident", $"there is no incident {incident} that you may see");
            }
            if (errors.Any)
            {
                return errors.ToFailure();
            }
            var found = await GrievanceSteps.CaseAsync(db, id, "acknowledged", [GrievanceState.Received, GrievanceState.Referred], ct);
            if (found.Failure is { } failure)
            {
                return failure;
            }
            var g = found.Value!;
            var now = time.GetUtcNow().UtcDateTime;
            var (acknowledge, respond) = await SubmitGrievance.DeadlinesAsync(db, g.AgreementId, severity, ct);
            g.Severity = severity;
            g.AcknowledgeBy = g.ReceivedAt.AddHours(acknowledge);
            // After an appeal the answer is due counted from the appeal, not from the first receipt.
            var appealed = await db.GrievanceEvents.IgnoreQueryFilters().Where(e => e.GrievanceId == g.Id && e.Kind == "appealed")
                .MaxAsync(e => (DateTime?)e.At, ct);
            g.RespondBy = (appealed is { } a && a > g.ReceivedAt ? a : g.ReceivedAt).AddHours(respond);
            // A late acknowledgement was escalated; the answer's deadline is watched afresh.
            g.EscalatedAt = null;
            g.State = GrievanceState.Acknowledged;
            g.AcknowledgedAt ??= now;
            g.ProvisionCode = provision ?? g.ProvisionCode;
            g.IncidentId = request.Incident ?? g.IncidentId;
            if (category is { } newCategory && newCategory != g.Category)
            {
                g.Category = newCategory;
                if (g.Sensitive != (newCategory == GrievanceCategory.Safeguarding))
                {
                    g.Sensitive = newCategory == GrievanceCategory.Safeguarding;
                    g.ConfidentialTo = Grievance.Readers(g.HandlingOrganisationId, g.Sensitive);
                    await db.GrievanceEvents.Where(e => e.GrievanceId == g.Id).ExecuteUpdateAsync(s => s.SetProperty(e => e.ConfidentialTo, g.ConfidentialTo), ct);
                }
            }
            GrievanceSteps.Record(db, g, now, "acknowledged", note ?? $"severity {SubmitGrievance.Camel(severity.ToString())}");
            await db.SaveChangesAsync(ct);
            return g;
        }, ct);
}
