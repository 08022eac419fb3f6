using Truceline.Access;
using Truceline.Audit;

namespace Truceline.Plans;

public enum MetricDirection
{
    Increase,
    Decrease,
}

public enum VerificationState
{
    Unverified,
    Verified,
    Disputed,
}

/// <summary>The Peace Accords Matrix implementation scale.</summary>
public static class ImplementationStatus
{
    public const int NotInitiated = 0;
    public const int Minimal = 1;
    public const int Intermediate = 2;
    public const int Full = 3;

    public static bool IsValid(int status) => status is >= NotInitiated and <= Full;

    public static string Label(int status) => status switch
    {
        NotInitiated => "Not initiated",
        Minimal => "Minimal",
        Intermediate => "Intermediate",
        Full => "Full",
        _ => "Unknown",
    };
}

public sealed class Agreement : IClassified
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public required string Code { get; set; }

    public required string Title { get; set; }

    public string? Description { get; set; }

    public bool Simulated { get; set; }

    public string? SimulatedNote { get; set; }

    public Classification Classification { get; set; }

    public Guid? OwnerOrganisationId { get; set; }

    public string? ConfidentialTo { get; set; }

    public DateTime CreatedAt { get; set; }

    /// <summary>How many different verifying organisations must find the same to verify (or not verify) an incident.</summary>
    public int VerificationQuorum { get; set; } = 2;

    public List<Party> Parties { get; set; } = [];

    public List<PlanSource> Sources { get; set; } = [];

    public List<Phase> Phases { get; set; } = [];
}

public sealed class Party : IAuditSubject
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid AgreementId { get; set; }

    public required string Code { get; set; }

    public required string Name { get; set; }

    /// <summary>Other names the party goes by in outside data (ACLED's actor names, say), so an import can name it by
    /// its code: data, never code.</summary>
    public List<string> Aliases { get; set; } = [];

    public int Ordinal { get; set; }

    public string AuditSubject => $"Agreement:{AgreementId}";
}

public sealed class PlanSource : IAuditSubject
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid AgreementId { get; set; }

    public required string Ref { get; set; }

    public required string Title { get; set; }

    public string? Publisher { get; set; }

    public DateOnly? Published { get; set; }

    public string? Url { get; set; }

    public int Ordinal { get; set; }

    public string AuditSubject => $"Agreement:{AgreementId}";
}

public sealed class Phase : IAuditSubject
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid AgreementId { get; set; }

    public required string Code { get; set; }

    public required string Title { get; set; }

    public int Ordinal { get; set; }

    public DateOnly? StartsOn { get; set; }

    public DateOnly? EndsOn { get; set; }

    public string AuditSubject => $"Agreement:{AgreementId}";
}

public sealed class Provision : IClassified
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid AgreementId { get; set; }

    public Guid PhaseId { get; set; }

    public required string Code { get; set; }

    public required string Title { get; set; }

    public required string Text { get; set; }

    public required string SourceRef { get; set; }

    public required string SourceQuote { get; set; }

    public List<string> Obliges { get; set; } = [];

    public List<string> Responsible { get; set; } = [];

    public DateOnly? Deadline { get; set; }

    public int DurationDays { get; set; }

    public int Status { get; set; }

    public int Ordinal { get; set; }

    public Classification Classification { get; set; }

    public Guid? OwnerOrganisationId { get; set; }

    public string? ConfidentialTo { get; set; }
}

public sealed class StatusChange : IAuditSubject
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid ProvisionId { get; set; }

    public int Ordinal { get; set; }

    public int FromStatus { get; set; }

    public int ToStatus { get; set; }

    public DateOnly EffectiveOn { get; set; }

    public required string Evidence { get; set; }

    public string? SourceRef { get; set; }

    public required string RecordedBy { get; set; }

    public DateTime RecordedAt { get; set; }

    public string AuditSubject => $"Provision:{ProvisionId}";
}

public sealed class DeadlineAmendment : IAuditSubject
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid ProvisionId { get; set; }

    public int Ordinal { get; set; }

    public DateOnly? FromDeadline { get; set; }

    public DateOnly ToDeadline { get; set; }

    public DateOnly AmendedOn { get; set; }

    public required string Reason { get; set; }

    public required string RecordedBy { get; set; }

    public DateTime RecordedAt { get; set; }

    public string AuditSubject => $"Provision:{ProvisionId}";
}

/// <summary>A gate: the dependent provision may start when the prerequisite has reached
/// <see cref="RequiredStatus"/> and, if a metric is named, that metric has reached <see cref="Threshold"/>.</summary>
public sealed class Dependency : IAuditSubject
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid AgreementId { get; set; }

    public Guid DependentId { get; set; }

    public Guid PrerequisiteId { get; set; }

    public int RequiredStatus { get; set; } = ImplementationStatus.Full;

    public Guid? MetricId { get; set; }

    public double? Threshold { get; set; }

    public string? Note { get; set; }

    public string? SourceRef { get; set; }

    public string? SourceQuote { get; set; }

    public int Ordinal { get; set; }

    public string AuditSubject => $"Provision:{DependentId}";
}

public sealed class Metric : IClassified, IAuditSubject
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid AgreementId { get; set; }

    public Guid ProvisionId { get; set; }

    public required string Code { get; set; }

    public required string Name { get; set; }

    public required string Unit { get; set; }

    public double? Target { get; set; }

    public MetricDirection Direction { get; set; }

    public string? Source { get; set; }

    /// <summary>A figure Truceline computes from its own records that this metric follows (see <see cref="Aid.AidFeeds"/>),
    /// so a dashboard and the plan's benchmark show the same number.</summary>
    public string? Feed { get; set; }

    public int Ordinal { get; set; }

    public Classification Classification { get; set; }

    public Guid? OwnerOrganisationId { get; set; }

    public string? ConfidentialTo { get; set; }

    public string AuditSubject => $"Provision:{ProvisionId}";

    public bool Reached(double value) => Target is { } t && (Direction == MetricDirection.Increase ? value >= t : value <= t);
}

public sealed class Observation : IClassified, IAuditSubject
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid MetricId { get; set; }

    public Guid ProvisionId { get; set; }

    public int Ordinal { get; set; }

    public DateOnly ObservedOn { get; set; }

    public double Value { get; set; }

    public string? Source { get; set; }

    public VerificationState Verification { get; set; }

    public required string RecordedBy { get; set; }

    public DateTime RecordedAt { get; set; }

    /// <summary>Copied from the metric when recorded: an observation is never more visible than its metric.</summary>
    public Classification Classification { get; set; }

    public Guid? OwnerOrganisationId { get; set; }

    public string? ConfidentialTo { get; set; }

    public string AuditSubject => $"Provision:{ProvisionId}";
}
