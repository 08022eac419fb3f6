using System.Security.Cryptography;
using Truceline.Access;

namespace Truceline.Incidents;

/// <summary>
/// A file that supports a report (a photo, a recording, a document). The bytes are kept in the database, so a
/// file is committed in the same transaction as the report it came with. Its SHA-256 is computed at upload,
/// recorded (and chained into the audit trail) and shown, so a copy can later be checked for alteration.
/// As readable as its report, and never more.
/// </summary>
public sealed class Evidence : IClassified
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid? ReportId { get; set; }

    /// <summary>Set when the file is attached to a verified incident rather than (or as well as) a report.</summary>
    public Guid? IncidentId { get; set; }

    public required string FileName { get; set; }

    public required string ContentType { get; set; }

    public long Size { get; set; }

    /// <summary>Lower-case hex of the SHA-256 of <see cref="Content"/>, computed when the file arrived.</summary>
    public required string Sha256 { get; set; }

    [Audit.NotAudited]
    public required byte[] Content { get; set; }

    public DateTime UploadedAt { get; set; }

    public Guid? UploadedByUserId { get; set; }

    public Classification Classification { get; set; } = Classification.Restricted;

    public Guid? OwnerOrganisationId { get; set; }

    public string? ConfidentialTo { get; set; }

    /// <summary>A file arriving with a report: hashed now, classified as the report is.</summary>
    public static Evidence ForReport(Report report, string fileName, string contentType, byte[] content, Guid? uploadedBy, DateTime at) => new()
    {
        ReportId = report.Id,
        FileName = fileName,
        ContentType = contentType,
        Size = content.LongLength,
        Sha256 = Hash(content),
        Content = content,
        UploadedAt = at,
        UploadedByUserId = uploadedBy,
        Classification = report.Classification,
        OwnerOrganisationId = report.OwnerOrganisationId,
        ConfidentialTo = report.ConfidentialTo,
    };

    public static string Hash(ReadOnlySpan<byte> content) => Convert.ToHexStringLower(SHA256.HashData(content));
}
