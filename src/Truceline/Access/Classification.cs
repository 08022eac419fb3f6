namespace Truceline.Access;

public enum Classification
{
    Public,
    Restricted,
    Confidential,
}

public enum Role
{
    Administrator,
    Coordinator,
    Monitor,
    Verifier,
    PartyLiaison,
    Agency,
    Donor,
    Analyst,
    /// <summary>Handles the complaints of the organisation's caseload; reads the complainants' contact details.</summary>
    GrievanceOfficer,
    /// <summary>Handles the sensitive complaints (sexual exploitation and abuse, threats to safety); no one else reads them.</summary>
    SafeguardingOfficer,
    /// <summary>Receives the organisation's complaints whose deadlines were missed.</summary>
    GrievanceSupervisor,
}

/// <summary>
/// A record that carries a classification. Which principal may read it is decided in one place:
/// <see cref="Visibility"/>, applied as a query filter to every such entity.
/// </summary>
public interface IClassified
{
    Classification Classification { get; }

    Guid? OwnerOrganisationId { get; }

    /// <summary>For confidential records: the organisations, roles and parties named as readers, as tokens
    /// "org:{guid}", "role:{Role}" and "party:{code}", each surrounded by '|'.</summary>
    string? ConfidentialTo { get; }
}

public static class RoleNames
{
    public static string Slug(this Role role) => role switch
    {
        Role.Administrator => "admin",
        Role.Coordinator => "coordinator",
        Role.Monitor => "monitor",
        Role.Verifier => "verifier",
        Role.PartyLiaison => "liaison",
        Role.Agency => "agency",
        Role.Donor => "donor",
        Role.Analyst => "analyst",
        Role.GrievanceOfficer => "grievance-officer",
        Role.SafeguardingOfficer => "safeguarding-officer",
        Role.GrievanceSupervisor => "grievance-supervisor",
    };

    public static bool TryParse(string? text, out Role role)
    {
        foreach (var candidate in Enum.GetValues<Role>())
        {
            if (string.Equals(text, candidate.Slug(), StringComparison.OrdinalIgnoreCase)
                || string.Equals(text, candidate.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                role = candidate;
                return true;
            }
        }
        role = default;
        return false;
    }

    public static string ConfidentialToken(Role role) => $"|role:{role}|";

    public static string ConfidentialToken(Guid organisationId) => $"|org:{organisationId}|";

    /// <summary>Readers who hold a role in one organisation (both at once): "role:ROLE@org:{guid}".</summary>
    public static string RoleAtOrganisationToken(Role role, Guid organisationId) => $"|role:{role}@org:{organisationId}|";

    /// <summary>Readers who speak for a party (its liaison office): "party:CODE".</summary>
    public static string PartyToken(string partyCode) => $"|party:{partyCode}|";
}
