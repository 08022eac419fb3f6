using Truceline.Access;

namespace Truceline.Aid;

/// <summary>
/// Where a consignment is between the request and the people. Offloaded and collected are separate on purpose:
/// goods left waiting on the Gaza side of a crossing are a real, reported gap.
/// </summary>
public enum ConsignmentStage
{
    Requested,
    Cleared,
    Denied,
    ArrivedAtCrossing,
    Offloaded,
    Collected,
    ReachedDestination,
    Intercepted,
    Returned,
    Lost,
}

public enum CommodityCategory
{
    Food,
    Water,
    Medical,
    Shelter,
    Fuel,
    Hygiene,
    NonFood,
    Mixed,
    Other,
}

/// <summary>One movement of goods an organisation asked to bring in: trucks through one crossing towards one governorate.</summary>
public sealed class Consignment : IClassified, Audit.IAuditSubject
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    /// <summary>The request or tracking number the organisation already uses; unique per organisation.</summary>
    public required string Reference { get; set; }

    /// <summary>Who sent it, as the organisation names itself (an imported file may name organisations that have no account).</summary>
    public required string OrganisationName { get; set; }

    /// <summary>The crossing as given; <see cref="CrossingZoneId"/> is set when it matches a crossing on the map.</summary>
    public required string Crossing { get; set; }

    public Guid? CrossingZoneId { get; set; }

    /// <summary>Governorate zone code the goods are meant for, when known.</summary>
    public string? DestinationGovernorate { get; set; }

    /// <summary>Partner receiving the goods in Gaza, when the sender names one.</summary>
    public string? Recipient { get; set; }

    /// <summary>Donor or consignor named by the sender.</summary>
    public string? Donor { get; set; }

    /// <summary>The commodity of its lines, or Mixed when they differ.</summary>
    public CommodityCategory Category { get; set; }

    public double Trucks { get; set; }

    public double? Tonnes { get; set; }

    public double? Pallets { get; set; }

    public ConsignmentStage Stage { get; set; }

    public DateTime StageAt { get; set; }

    /// <summary>Why a consignment was denied, intercepted, returned or lost.</summary>
    public string? Reason { get; set; }

    public DateTime CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    /// <summary>The bulk import that brought it in, if any: its audit entry stands for the rows.</summary>
    public Guid? ImportId { get; set; }

    public bool Simulated { get; set; }

    public Guid? AgreementId { get; set; }

    public Classification Classification { get; set; } = Classification.Confidential;

    public Guid? OwnerOrganisationId { get; set; }

    public string? ConfidentialTo { get; set; }

    public List<ConsignmentLine> Lines { get; set; } = [];

    public string AuditSubject => $"Consignment:{Id}";
}

/// <summary>A commodity line; classified as its consignment, so its audit entries are too.</summary>
public sealed class ConsignmentLine : IClassified, Audit.IAuditSubject
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid ConsignmentId { get; set; }

    public int Ordinal { get; set; }

    public CommodityCategory Category { get; set; }

    public required string Description { get; set; }

    public double? Quantity { get; set; }

    public string? Unit { get; set; }

    public double? Pallets { get; set; }

    public double? Tonnes { get; set; }

    public Classification Classification { get; set; } = Classification.Confidential;

    public Guid? OwnerOrganisationId { get; set; }

    public string? ConfidentialTo { get; set; }

    public string AuditSubject => $"Consignment:{ConsignmentId}";
}

/// <summary>One step of a consignment, with when it happened, who recorded it, and how long the previous stage lasted.</summary>
public sealed class ConsignmentEvent : IClassified, Audit.IAuditSubject
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid ConsignmentId { get; set; }

    public ConsignmentStage? FromStage { get; set; }

    public ConsignmentStage Stage { get; set; }

    public DateTime At { get; set; }

    public DateTime RecordedAt { get; set; }

    public required string RecordedBy { get; set; }

    public string? Reason { get; set; }

    /// <summary>Seconds spent in <see cref="FromStage"/>; null for the first event.</summary>
    public long? SecondsInPrevious { get; set; }

    public Classification Classification { get; set; } = Classification.Confidential;

    public Guid? OwnerOrganisationId { get; set; }

    public string? ConfidentialTo { get; set; }

    public string AuditSubject => $"Consignment:{ConsignmentId}";

    /// <summary>The table's columns for a bulk writer (<see cref="Data.BulkInsert"/>), in the order of <see cref="BulkValues"/>.</summary>
    internal static readonly string[] BulkColumns =
        ["id", "consignment_id", "from_stage", "stage", "at", "recorded_at", "recorded_by", "reason", "seconds_in_previous", "classification", "owner_organisation_id", "confidential_to"];

    internal object?[] BulkValues() =>
        [Id, ConsignmentId, FromStage, Stage, At, RecordedAt, RecordedBy, Reason, SecondsInPrevious, Classification, OwnerOrganisationId, ConfidentialTo];
}
