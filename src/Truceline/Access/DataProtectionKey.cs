namespace Truceline.Access;

/// <summary>A key of ASP.NET Core's data-protection key ring (it signs sign-in cookies and antiforgery tokens),
/// kept in the database so every app node on the same database shares it.</summary>
public sealed class DataProtectionKey
{
    public required string Name { get; set; }

    [Audit.NotAudited]
    public required string Xml { get; set; }

    public DateTime CreatedAt { get; set; }
}
