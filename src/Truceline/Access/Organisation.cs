namespace Truceline.Access;

public sealed class Organisation
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public required string Name { get; set; }

    /// <summary>Organisations taking part in the agreement read restricted records.</summary>
    public bool Participating { get; set; }

    /// <summary>For a party's liaison office: the party code it speaks for.</summary>
    public string? PartyCode { get; set; }

    public bool Simulated { get; set; }

    public DateTime CreatedAt { get; set; }
}

public sealed class User
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public required string Email { get; set; }

    public required string DisplayName { get; set; }

    public Role Role { get; set; }

    public Guid OrganisationId { get; set; }

    public Organisation? Organisation { get; set; }

    [Audit.NotAudited]
    public required string PasswordHash { get; set; }

    public bool Disabled { get; set; }

    public DateTime CreatedAt { get; set; }
}

public sealed class ApiToken
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public Guid UserId { get; set; }

    public User? User { get; set; }

    public required string Name { get; set; }

    /// <summary>SHA-256 of the token, hex. The token itself is shown once and never stored.</summary>
    [Audit.NotAudited]
    public required string TokenHash { get; set; }

    public DateTime CreatedAt { get; set; }

    public DateTime? ExpiresAt { get; set; }

    public DateTime? RevokedAt { get; set; }
}

/// <summary>Instance-wide settings (for example whether simulated demo data was loaded).</summary>
public sealed class Setting
{
    public required string Key { get; set; }

    /// <summary>May hold a secret (the demo password), so the audit trail records only that it was set.</summary>
    [Audit.NotAudited]
    public required string Value { get; set; }
}
