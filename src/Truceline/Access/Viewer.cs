namespace Truceline.Access;

/// <summary>Who is reading: the principal every query is filtered for.</summary>
public sealed record Viewer(Guid? UserId, string Name, Role? Role, Guid? OrganisationId, bool OrganisationParticipates, bool SeesAll)
{
    /// <summary>The party the viewer's organisation speaks for (a liaison office), if any.</summary>
    public string? PartyCode { get; init; }

    /// <summary>The public: no sign-in, sees only public records.</summary>
    public static readonly Viewer Anonymous = new(null, "anonymous", null, null, false, false);

    /// <summary>The operator at the console (admin verbs, migrations, demo loading).</summary>
    public static Viewer System(string name) => new(null, name, null, null, true, true);

    public static Viewer ForUser(Guid userId, string email, Role role, Guid organisationId, bool participates, string? partyCode = null) =>
        new(userId, email, role, organisationId, participates, role == Access.Role.Administrator) { PartyCode = partyCode };
}
