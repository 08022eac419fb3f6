namespace Truceline.Transparency;

/// <summary>A leaf of the log: exactly the bytes that were published (<see cref="Body"/>, canonical JSON, UTF-8).
/// Everything in the log is public by definition, so these rows carry no classification.</summary>
public sealed class LogEntry : Audit.ISelfEvident
{
    public long Index { get; set; }

    /// <summary>What was published ("provision-status", …).</summary>
    public required string Kind { get; set; }

    /// <summary>The published record's id within its kind; a correction carries the same one.</summary>
    public required string RecordId { get; set; }

    /// <summary>The earlier leaf this one corrects; nothing is ever removed or rewritten.</summary>
    public long? Corrects { get; set; }

    public required string Body { get; set; }

    /// <summary>RFC 9162 leaf hash of the body's UTF-8 bytes, base64.</summary>
    public required string LeafHash { get; set; }

    public DateTime PublishedAt { get; set; }
}

/// <summary>The hash of a complete subtree: leaves [Index·2^Level, (Index+1)·2^Level). Written once, when it completes.</summary>
public sealed class LogNode : Audit.ISelfEvident
{
    public int Level { get; set; }

    public long Index { get; set; }

    public required string Hash { get; set; }
}

/// <summary>A signed checkpoint: the C2SP signed note, with any witness cosignatures it has gathered.</summary>
public sealed class LogCheckpoint : Audit.ISelfEvident
{
    public long Size { get; set; }

    public required string RootHash { get; set; }

    public required string Note { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>An organisation's key that cosigns the log's checkpoints (a mediator, a monitor). Added by an administrator.</summary>
public sealed class LogWitness
{
    /// <summary>The witness's public key (name+keyid+base64), of type cosignature/v1.</summary>
    public required string VerifierKey { get; set; }

    public required string Name { get; set; }

    public required string Organisation { get; set; }

    public DateTime AddedAt { get; set; }
}

/// <summary>A witness's signature line over the checkpoint of a size, checked against its key before it was kept.</summary>
public sealed class LogCosignature : Audit.ISelfEvident
{
    public long Size { get; set; }

    public required string VerifierKey { get; set; }

    public required string Signature { get; set; }

    public DateTime CosignedAt { get; set; }
}
