using Truceline.Access;
using Truceline.Audit;

namespace Truceline.SituationReports;

/// <summary>Where a situation report stands. Drafts are never published; a published report is corrected or withdrawn
/// in the log, never removed (ADR-015).</summary>
public enum SituationReportState
{
    Draft,
    Published,
    Withdrawn,
}

/// <summary>
/// A situation report on an agreement for a period, written by the coordination centre: the narrative that goes with
/// the figures, citing the log entries that hold them. Published, it is a record of the transparency log like any other.
/// </summary>
public sealed class SituationReport : IClassified, IAuditSubject
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid AgreementId { get; set; }

    public required string Title { get; set; }

    public DateOnly PeriodFrom { get; set; }

    public DateOnly PeriodTo { get; set; }

    /// <summary>The language it is written in (en, ar or he): the portal shows it in that language's direction.</summary>
    public required string Language { get; set; }

    /// <summary>Plain text; paragraphs are separated by blank lines. Never rendered as HTML.</summary>
    public required string Text { get; set; }

    /// <summary>The log entries (by index) whose figures the report uses, so a reader can check each one.</summary>
    public List<string> Citations { get; set; } = [];

    public SituationReportState State { get; set; }

    /// <summary>1 when first published, one more with each correction.</summary>
    public int Version { get; set; }

    public string? CorrectionNote { get; set; }

    public string? WithdrawalReason { get; set; }

    public DateTime? PublishedAt { get; set; }

    public required string CreatedBy { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime UpdatedAt { get; set; }

    public Classification Classification { get; set; } = Classification.Restricted;

    public Guid? OwnerOrganisationId { get; set; }

    public string? ConfidentialTo { get; set; }

    public string AuditSubject => $"situation-report/{Id}";
}
