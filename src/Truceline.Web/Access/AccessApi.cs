using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Audit;
using Truceline.Data;

namespace Truceline.Web.Access;

public static class AccessApi
{
    public sealed record Me(Guid Id, string Email, string DisplayName, string Role, Guid OrganisationId, string Organisation, bool Participating);

    public sealed record UserView(Guid Id, string Email, string DisplayName, string Role, string Organisation, bool Disabled, bool Simulated);

    public sealed record TokenRequest(string? Email, string? Name, int? Days);

    public sealed record TokenView(Guid Id, string Token, string Email, DateTime? ExpiresAt);

    public static void MapAccessApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1").WithTags("Access")
            .RequireAuthorization(p => p.AddAuthenticationSchemes(BearerTokenHandler.SchemeName).RequireAuthenticatedUser());
        var admin = Permissions.Policy(Permission.Administer);
        api.MapGet("/me", GetMe).WithSummary("Who the token belongs to");
        api.MapGet("/users", ListUsers).WithSummary("Every user").RequireAuthorization(admin);
        api.MapPost("/users", PostUser).WithSummary("Add a user (the organisation is created if new)").RequireAuthorization(admin);
        api.MapPost("/tokens", PostToken).WithSummary("Create a bearer token for a user; shown once").RequireAuthorization(admin);
        api.MapDelete("/tokens/{id:guid}", RevokeToken).WithSummary("Revoke a token at once").RequireAuthorization(admin);
        api.MapGet("/audit/verify", VerifyAudit).WithSummary("Check the audit hash chain; names the first broken entry").RequireAuthorization(admin);
    }

    public static async Task<Results<Ok<Me>, ProblemHttpResult>> GetMe(ClaimsPrincipal principal, TrucelineDb db, CancellationToken ct)
    {
        var viewer = principal.ToViewer();
        var user = await db.Users.AsNoTracking().Include(u => u.Organisation).FirstOrDefaultAsync(u => u.Id == viewer.UserId, ct);
        return user?.Organisation is null
            ? TypedResults.Problem("Your account no longer exists.", statusCode: 404)
            : TypedResults.Ok(new Me(user.Id, user.Email, user.DisplayName, user.Role.Slug(), user.OrganisationId, user.Organisation.Name, user.Organisation.Participating));
    }

    public static async Task<Ok<List<UserView>>> ListUsers(TrucelineDb db, CancellationToken ct) =>
        TypedResults.Ok((await db.Users.AsNoTracking().Include(u => u.Organisation).OrderBy(u => u.Email).ToListAsync(ct))
            .Select(u => new UserView(u.Id, u.Email, u.DisplayName, u.Role.Slug(), u.Organisation!.Name, u.Disabled, u.Organisation.Simulated)).ToList());

    /// <summary>Complaints are closed to administrators (ADR-014): an administrator who could create a grievance officer,
    /// or a token for one, could read them. Those accounts and their tokens are made at the console, which holds the keys anyway.</summary>
    private static ProblemHttpResult ConsoleOnly(string what) => TypedResults.Problem(
        $"{what} for the grievance roles are made at the console ('truceline user add', 'truceline token create'), not by an administrator over the API: complaints are closed to administrators.",
        statusCode: StatusCodes.Status403Forbidden, title: "Forbidden");

    private static bool IsGrievanceRole(Role role) => role is Role.GrievanceOfficer or Role.SafeguardingOfficer or Role.GrievanceSupervisor;

    public static async Task<Results<Created<UserView>, ProblemHttpResult>> PostUser(Accounts.NewUser body, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        if (RoleNames.TryParse(body.Role, out var role) && IsGrievanceRole(role))
        {
            return ConsoleOnly("Accounts");
        }
        var outcome = await Accounts.AddUserAsync(db, body, time, ct);
        if (!outcome.Succeeded)
        {
            return outcome.Failure!.ToProblem();
        }
        var u = outcome.Value!;
        var org = await db.Organisations.AsNoTracking().FirstAsync(o => o.Id == u.OrganisationId, ct);
        return TypedResults.Created($"/api/v1/users/{u.Id}", new UserView(u.Id, u.Email, u.DisplayName, u.Role.Slug(), org.Name, u.Disabled, org.Simulated));
    }

    public static async Task<Results<Created<TokenView>, ProblemHttpResult>> PostToken(TokenRequest body, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        if (await db.Users.AsNoTracking().Where(u => u.Email == body.Email).Select(u => (Role?)u.Role).FirstOrDefaultAsync(ct) is { } role && IsGrievanceRole(role))
        {
            return ConsoleOnly("Tokens");
        }
        var outcome = await Accounts.CreateTokenAsync(db, body.Email, body.Name, body.Days, time, ct);
        if (!outcome.Succeeded)
        {
            return outcome.Failure!.ToProblem();
        }
        var t = outcome.Value!;
        return TypedResults.Created($"/api/v1/tokens/{t.Id}", new TokenView(t.Id, t.Token, t.Email, t.ExpiresAt));
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeToken(Guid id, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var outcome = await Accounts.RevokeTokenAsync(db, id, time, ct);
        return outcome.Succeeded ? TypedResults.NoContent() : outcome.Failure!.ToProblem();
    }

    public static async Task<Ok<AuditChain.Verdict>> VerifyAudit(TrucelineDb db, CancellationToken ct) =>
        TypedResults.Ok(await AuditChain.VerifyAsync(db, ct));
}
