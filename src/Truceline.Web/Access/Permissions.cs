using System.Security.Claims;
using Truceline.Access;

namespace Truceline.Web.Access;

public enum Permission
{
    ReadPlans,
    EditPlans,
    RecordObservations,
    VerifyObservations,
    ReadAudit,
    Administer,
    SubmitReports,
    ReadSourceIdentity,
    StructureReports,
    ReviewIncidents,
    SignFindings,
    ReplyToAllegations,
    RegisterConsignments,
    RecordImpediments,
    ManageAidFigures,
    /// <summary>Enter a complaint taken by phone or in person.</summary>
    EnterGrievances,
    /// <summary>Triage, refer, decline, answer and close the complaints one's organisation handles.</summary>
    HandleGrievances,
    /// <summary>Name the organisation that receives complaints, and the deadlines per severity.</summary>
    ConfigureGrievances,
    /// <summary>Write, correct, publish and withdraw the coordination centre's situation reports.</summary>
    WriteSituationReports,
}

/// <summary>Which roles may do what: the one table every endpoint and page consults.</summary>
public static class Permissions
{
    public static IReadOnlyList<Role> RolesFor(Permission permission) => permission switch
    {
        Permission.ReadPlans => Enum.GetValues<Role>(),
        Permission.EditPlans => [Role.Administrator, Role.Coordinator],
        Permission.RecordObservations => [Role.Administrator, Role.Coordinator, Role.Monitor, Role.Verifier, Role.Agency],
        Permission.VerifyObservations => [Role.Administrator, Role.Verifier],
        Permission.ReadAudit => [Role.Administrator, Role.Coordinator, Role.Verifier, Role.Analyst],
        Permission.Administer => [Role.Administrator],
        Permission.SubmitReports => [Role.Administrator, Role.Coordinator, Role.Monitor, Role.Verifier, Role.PartyLiaison, Role.Agency],
        // Who a source is stays with the coordination centre and the verifiers: never the parties, never outsiders.
        Permission.ReadSourceIdentity => [Role.Administrator, Role.Coordinator, Role.Verifier],
        Permission.StructureReports => [Role.Administrator, Role.Coordinator],
        Permission.ReviewIncidents => [Role.Administrator, Role.Coordinator, Role.Verifier],
        // A finding is a verifier's signed statement: no other role signs one, not even an administrator.
        Permission.SignFindings => [Role.Verifier],
        Permission.ReplyToAllegations => [Role.PartyLiaison],
        // Agencies run consignments and distributions; the coordination centre may act for one that cannot reach the system.
        Permission.RegisterConsignments => [Role.Administrator, Role.Coordinator, Role.Agency],
        Permission.RecordImpediments => [Role.Administrator, Role.Coordinator, Role.Agency, Role.Monitor],
        Permission.ManageAidFigures => [Role.Administrator, Role.Coordinator],
        // Anyone who meets civilians may write down a complaint for them; it goes to the grievance officers.
        Permission.EnterGrievances => [Role.Coordinator, Role.Monitor, Role.Agency, Role.GrievanceOfficer, Role.SafeguardingOfficer, Role.GrievanceSupervisor],
        // Not administrators: complaints are read by the officers designated for them (ADR-014).
        Permission.HandleGrievances => [Role.GrievanceOfficer, Role.SafeguardingOfficer, Role.GrievanceSupervisor],
        Permission.ConfigureGrievances => [Role.Administrator],
        Permission.WriteSituationReports => [Role.Administrator, Role.Coordinator],
    };

    public static string Policy(Permission permission) => $"perm:{permission}";

    public static bool Can(this ClaimsPrincipal user, Permission permission) =>
        user.Identity?.IsAuthenticated == true
        && RolesFor(permission).Any(r => user.IsInRole(r.ToString()));
}
