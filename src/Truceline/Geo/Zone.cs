using Truceline.Access;

namespace Truceline.Geo;

public enum ZoneKind
{
    Governorate,
    Crossing,
    Area,
    Line,
}

/// <summary>
/// A place reports are judged against: a governorate, a crossing, an area (a humanitarian zone, a held area)
/// or a line (the "yellow line"). Valid over a date range, so a line can move between phases and a report is
/// judged against the line in force on its date. Geometry is WGS 84, stored as WKB.
/// </summary>
public sealed class Zone : IClassified
{
    public Guid Id { get; set; } = Guid.CreateVersion7();

    public required string Code { get; set; }

    public required string Name { get; set; }

    public ZoneKind Kind { get; set; }

    [Audit.NotAudited]
    public required byte[] Geometry { get; set; }

    /// <summary>First day in force (null: always before).</summary>
    public DateOnly? ValidFrom { get; set; }

    /// <summary>Last day in force (null: still in force).</summary>
    public DateOnly? ValidTo { get; set; }

    public required string Source { get; set; }

    /// <summary>Set when the geometry is a drawn or derived approximation: what it approximates and how.</summary>
    public string? Approximation { get; set; }

    /// <summary>Other names the zone goes by, separated by ';' (a crossing as each data source spells it: "Rafah Crossing").
    /// Imports that name a crossing match its code, its name, or any of these.</summary>
    public string? Aliases { get; set; }

    public IEnumerable<string> AliasList() => Zone.SplitAliases(Aliases);

    public static IEnumerable<string> SplitAliases(string? aliases) =>
        (aliases ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>For a line: what the side to the left and to the right of its drawing direction are called.</summary>
    public string? LeftSide { get; set; }

    public string? RightSide { get; set; }

    public Classification Classification { get; set; }

    public Guid? OwnerOrganisationId { get; set; }

    public string? ConfidentialTo { get; set; }

    public DateTime CreatedAt { get; set; }

    public bool InForceOn(DateOnly day) => (ValidFrom is null || ValidFrom <= day) && (ValidTo is null || day <= ValidTo);
}
