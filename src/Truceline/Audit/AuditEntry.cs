namespace Truceline.Audit;

/// <summary>One change to one record, hash-chained to the entry before it. Append-only: the database
/// refuses UPDATE and DELETE on this table (see the migrations), and <see cref="AuditChain"/> detects
/// any change made behind the database's back.</summary>
public sealed class AuditEntry : Access.IClassified
{
    public long Seq { get; set; }

    public DateTime At { get; set; }

    public required string Actor { get; set; }

    public required string EntityType { get; set; }

    public required string EntityId { get; set; }

    /// <summary>The record whose page shows this entry (for a status change, its provision).</summary>
    public required string Subject { get; set; }

    public required string Action { get; set; }

    /// <summary>JSON: {"before":{…},"after":{…}} with only the properties that changed.</summary>
    public required string Changes { get; set; }

    public required string PrevHash { get; set; }

    public required string Hash { get; set; }

    public Access.Classification Classification { get; set; }

    public Guid? OwnerOrganisationId { get; set; }

    public string? ConfidentialTo { get; set; }
}

/// <summary>A property whose value never enters the audit text: personal data and secrets appear only as "changed".</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class NotAuditedAttribute : Attribute;

/// <summary>A record that is its own tamper-evident trail (the transparency log's leaves, subtrees and checkpoints, which
/// are append-only and hashed into signed checkpoints): auditing it again would only copy it.</summary>
public interface ISelfEvident;

/// <summary>An entity whose audit entries belong on another record's page.</summary>
public interface IAuditSubject
{
    string AuditSubject { get; }
}

/// <summary>An entity that names who made it, when that is not the context's reader (a report stored by the intake writer).</summary>
public interface IAuditActor
{
    string? AuditActor { get; }
}
