using Truceline.Access;

namespace Truceline.Incidents;

public enum IncidentState
{
    Reported,
    UnderReview,
    Verified,
    NotVerified,
    Disputed,
    Dismissed,
}

public enum Confidence
{
    Low,
    Medium,
    High,
}

public enum Conclusion
{
    Verified,
    NotVerified,
}

/// <summary>One event, as told by one or more reports grouped together; verified by findings of independent verifiers.</summary>
public sealed class Incident : IClassified
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>The agreement whose verification quorum applies.</summary>
    public Guid? AgreementId { get; set; }

    public IncidentState State { get; set; }

    public DateOnly OccurredOn { get; set; }

    public double Latitude { get; set; }

    public double Longitude { get; set; }

    public int GeoPrecision { get; set; }

    public string? GovernorateCode { get; set; }

    public required string EventType { get; set; }

    public string? SubEventType { get; set; }

    /// <summary>Party codes the reports allege, as "|code|code|" so a query can match one exactly (LIKE '%|israel|%').</summary>
    public string AllegedPartiesText { get; set; } = "";

    [System.ComponentModel.DataAnnotations.Schema.NotMapped]
    public List<string> AllegedParties
    {
        get => Tokens.Split(AllegedPartiesText);
        set => AllegedPartiesText = Tokens.Join(value);
    }

    public int ReportCount { get; set; }

    /// <summary>Distinct sources behind the reports (an organisation's patrol, one civilian, one publication count once each).</summary>
    public int SourceCount { get; set; }

    public Confidence Confidence { get; set; }

    /// <summary>Why the confidence is what it is, as sentences (JSON list).</summary>
    public List<string> ConfidenceReasons { get; set; } = [];

    /// <summary>The running sums of its reports (<see cref="IncidentRules.Tally"/>), so a report joining later need not
    /// re-read the others; null for an incident summarised before they were kept. Derived, so audited only as changed.</summary>
    [Audit.NotAudited]
    public string? Tally { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public Classification Classification { get; set; } = Classification.Restricted;

    public Guid? OwnerOrganisationId { get; set; }

    public string? ConfidentialTo { get; set; }
}

public sealed class IncidentTransition : Audit.IAuditSubject
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid IncidentId { get; set; }

    public IncidentState FromState { get; set; }

    public IncidentState ToState { get; set; }

    public required string Reason { get; set; }

    public required string RecordedBy { get; set; }

    public DateTime RecordedAt { get; set; }

    public string AuditSubject => $"Incident:{IncidentId}";
}

/// <summary>A verifier's signed finding on an incident. One per verifier; the quorum counts organisations.</summary>
public sealed class Finding : Audit.IAuditSubject
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid IncidentId { get; set; }

    public Guid VerifierUserId { get; set; }

    public Guid VerifierOrganisationId { get; set; }

    public required string VerifierName { get; set; }

    public Conclusion Conclusion { get; set; }

    /// <summary>The violation found (or why none was).</summary>
    public required string Violation { get; set; }

    /// <summary>Codes of the plan provisions the finding concerns, as "|code|code|" (see <see cref="Tokens"/>).</summary>
    public string ProvisionsText { get; set; } = "";

    [System.ComponentModel.DataAnnotations.Schema.NotMapped]
    public List<string> Provisions
    {
        get => Tokens.Split(ProvisionsText);
        set => ProvisionsText = Tokens.Join(value);
    }

    /// <summary>A party code, or "undetermined".</summary>
    public required string ResponsibleParty { get; set; }

    public string? Dissent { get; set; }

    public DateTime SignedAt { get; set; }

    public string AuditSubject => $"Incident:{IncidentId}";
}

/// <summary>The reply of the party an allegation names, shown beside the findings. Readable by that party and the
/// coordination centre, verifiers and administrators, not by other parties.</summary>
public sealed class Reply : IClassified, Audit.IAuditSubject
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid IncidentId { get; set; }

    public required string PartyCode { get; set; }

    public Guid AuthorUserId { get; set; }

    public required string Text { get; set; }

    public DateTime CreatedAt { get; set; }

    public Classification Classification { get; set; } = Classification.Confidential;

    public Guid? OwnerOrganisationId { get; set; }

    public string? ConfidentialTo { get; set; }

    public string AuditSubject => $"Incident:{IncidentId}";
}

/// <summary>
/// A list stored as "|a|b|": one element matches exactly with LIKE '%|a|%' ESCAPE '\' on both databases (SQLite's LIKE
/// ignoring ASCII case). The element's own '%', '_' and '\' are escaped, so they match only themselves.
/// </summary>
public static class Tokens
{
    /// <summary>The escape character <see cref="Pattern"/> uses, to pass to <c>EF.Functions.Like</c>.</summary>
    public const string LikeEscape = "\\";

    public static string Join(IEnumerable<string> items) => string.Concat(items.Select(i => $"|{i.Replace("|", "/", StringComparison.Ordinal)}|"));

    public static List<string> Split(string text) => [.. text.Split('|', StringSplitOptions.RemoveEmptyEntries)];

    public static string Pattern(string item) =>
        $"%|{item.Replace("|", "/", StringComparison.Ordinal).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal)}|%";
}
