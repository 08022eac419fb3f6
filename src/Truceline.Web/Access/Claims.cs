using System.Security.Claims;
using Truceline.Access;

namespace Truceline.Web.Access;

public static class TrucelineClaims
{
    public const string Organisation = "tl:org";
    public const string Participates = "tl:participates";
    public const string Party = "tl:party";

    public static ClaimsPrincipal Principal(User user, Organisation organisation, string scheme) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()),
                new Claim(ClaimTypes.Name, user.Email),
                new Claim("tl:display", user.DisplayName),
                new Claim(ClaimTypes.Role, user.Role.ToString()),
                new Claim(Organisation, organisation.Id.ToString()),
                new Claim(Participates, organisation.Participating ? "true" : "false"),
                .. organisation.PartyCode is { } party ? new[] { new Claim(Party, party) } : [],
            ],
            scheme, ClaimTypes.Name, ClaimTypes.Role));

    public static Viewer ToViewer(this ClaimsPrincipal? principal)
    {
        if (principal?.Identity?.IsAuthenticated != true
            || !Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var userId)
            || !Guid.TryParse(principal.FindFirstValue(Organisation), out var orgId)
            || !Enum.TryParse<Role>(principal.FindFirstValue(ClaimTypes.Role), out var role))
        {
            return Viewer.Anonymous;
        }
        return Viewer.ForUser(userId, principal.Identity.Name ?? userId.ToString(), role, orgId, principal.FindFirstValue(Participates) == "true", principal.FindFirstValue(Party));
    }
}
