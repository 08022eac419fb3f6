using Truceline.Access;
using Truceline.Audit;

namespace Truceline.Grievances;

public enum GrievanceChannel { Web, Sms, Phone, InPerson }

/// <summary>What a complaint is about. <see cref="Safeguarding"/> (sexual exploitation and abuse, threats to safety)
/// is routed only to safeguarding officers.</summary>
public enum GrievanceCategory { AidDistribution, Access, Conduct, Property, Detention, Services, Other, Safeguarding }

public enum GrievanceSeverity { Low, Medium, High, Critical }

public enum GrievanceState { Received, Acknowledged, Referred, Responded, Closed, Appealed }

/// <summary>
/// A complaint from a civilian. Its text and the complainant's contact details are encrypted at rest with the
/// personal-data key (which is not in the database) and are never audited; the case is confidential to the grievance
/// officers of the organisation handling it (safeguarding officers for a sensitive one), see ADR-014.
/// The complainant holds a tracking code; only its hash is stored.
/// </summary>
public sealed class Grievance : IClassified, IAuditSubject
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>SHA-256 of the tracking code (hex): the code itself is shown once, to the complainant.</summary>
    [NotAudited]
    public required string TrackingHash { get; set; }

    public GrievanceChannel Channel { get; set; }

    /// <summary>The language the complainant wrote in and is answered in (en, ar, he).</summary>
    public required string Language { get; set; }

    public GrievanceCategory Category { get; set; }

    public bool Sensitive { get; set; }

    public GrievanceSeverity Severity { get; set; }

    public GrievanceState State { get; set; }

    public string? GovernorateCode { get; set; }

    public Guid? AgreementId { get; set; }

    /// <summary>A provision of the plan the complaint concerns (its code), if any.</summary>
    public string? ProvisionCode { get; set; }

    public Guid? IncidentId { get; set; }

    /// <summary>The complaint as written, encrypted.</summary>
    [NotAudited]
    public required string Text { get; set; }

    /// <summary>How to reach the complainant (phone, name…), encrypted; null for an anonymous complaint.</summary>
    [NotAudited]
    public string? Contact { get; set; }

    /// <summary>The phone an SMS came from, encrypted, for answering by SMS.</summary>
    [NotAudited]
    public string? ReplyTo { get; set; }

    /// <summary>A keyed hash of the SMS gateway's message id: the same message delivered twice is one complaint.</summary>
    [NotAudited]
    public string? MessageKey { get; set; }

    public DateTime ReceivedAt { get; set; }

    public DateTime AcknowledgeBy { get; set; }

    public DateTime RespondBy { get; set; }

    public DateTime? AcknowledgedAt { get; set; }

    public DateTime? RespondedAt { get; set; }

    public DateTime? ClosedAt { get; set; }

    /// <summary>When a deadline was missed and the case went to the supervisors.</summary>
    public DateTime? EscalatedAt { get; set; }

    /// <summary>The answer the complainant reads with the tracking code (no personal data by rule of the form).</summary>
    public string? Response { get; set; }

    /// <summary>The complainant's feedback at closure: satisfied or not.</summary>
    public bool? Satisfied { get; set; }

    public Classification Classification { get; set; } = Classification.Confidential;

    /// <summary>Always null: the organisation's other staff do not read its complaints; only the readers below do.</summary>
    public Guid? OwnerOrganisationId { get; set; }

    public Guid HandlingOrganisationId { get; set; }

    public string? ConfidentialTo { get; set; }

    public string AuditSubject => $"Grievance:{Id}";

    /// <summary>Still waiting for an answer: received, acknowledged, referred or under appeal.</summary>
    public static bool IsOpen(GrievanceState state) =>
        state is GrievanceState.Received or GrievanceState.Acknowledged or GrievanceState.Referred or GrievanceState.Appealed;

    /// <summary>Past the deadline to acknowledge (not yet acknowledged) or to answer (still open): what escalates.</summary>
    public static bool IsOverdue(GrievanceState state, DateTime acknowledgeBy, DateTime respondBy, DateTime now) =>
        (state == GrievanceState.Received && acknowledgeBy < now) || (IsOpen(state) && respondBy < now);

    /// <summary>Grievance officers and supervisors of the handling organisation; safeguarding officers of it for a sensitive case.</summary>
    public static string Readers(Guid organisation, bool sensitive) => sensitive
        ? RoleNames.RoleAtOrganisationToken(Role.SafeguardingOfficer, organisation)
        : RoleNames.RoleAtOrganisationToken(Role.GrievanceOfficer, organisation) + RoleNames.RoleAtOrganisationToken(Role.GrievanceSupervisor, organisation);
}

/// <summary>One step of a case, as the complainant and the officers see its history.</summary>
public sealed class GrievanceEvent : IClassified, IAuditSubject
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid GrievanceId { get; set; }

    public DateTime At { get; set; }

    /// <summary>received, acknowledged, referred, declined, responded, closed, appealed, escalated.</summary>
    public required string Kind { get; set; }

    public Guid? ByUserId { get; set; }

    public Guid? FromOrganisationId { get; set; }

    public Guid? ToOrganisationId { get; set; }

    /// <summary>A reason or note for officers (never the complainant's details).</summary>
    public string? Note { get; set; }

    /// <summary>As its case: confidential to the case's readers.</summary>
    public Classification Classification { get; set; } = Classification.Confidential;

    public Guid? OwnerOrganisationId { get; set; }

    public string? ConfidentialTo { get; set; }

    public string AuditSubject => $"Grievance:{GrievanceId}";
}

/// <summary>How long an organisation has to acknowledge and to answer a complaint of a severity, per agreement.</summary>
public sealed class GrievanceDeadline
{
    public Guid AgreementId { get; set; }

    public GrievanceSeverity Severity { get; set; }

    public int AcknowledgeHours { get; set; }

    public int RespondHours { get; set; }

    /// <summary>Used where the agreement names none: a day to acknowledge a critical case, a month to answer a minor one.</summary>
    public static (int Acknowledge, int Respond) Default(GrievanceSeverity severity) => severity switch
    {
        GrievanceSeverity.Critical => (4, 48),
        GrievanceSeverity.High => (24, 7 * 24),
        GrievanceSeverity.Medium => (48, 14 * 24),
        _ => (72, 30 * 24),
    };
}
