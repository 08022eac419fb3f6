using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Truceline.Access;
using Truceline.Data;

namespace Truceline.Web.Access;

/// <summary>
/// API authentication: "Authorization: Bearer tl_…". Tokens are stored as SHA-256 hashes. What was read for a token
/// is kept (<see cref="TokenCache"/>) until anything about users, organisations or tokens changes: revoking one
/// takes effect at once on the node that revoked it and within a quarter of a second on every other. Expiry is
/// checked on every request. Challenges and refusals answer with ProblemDetails, never a redirect.
/// </summary>
public sealed class BearerTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, TimeProvider time)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string NewToken() => "tl_" + Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        string token;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = header["Bearer ".Length..].Trim();
        }
        else if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase) && BasicPassword(header["Basic ".Length..].Trim()) is { } password)
        {
            // SMS gateways can often send only HTTP Basic credentials (https://name:token@host/…): the password is the token.
            token = password;
        }
        else
        {
            return AuthenticateResult.NoResult();
        }
        if (token.Length is 0 or > 200)
        {
            return AuthenticateResult.Fail("The bearer token is malformed.");
        }
        var db = Context.RequestServices.GetRequiredService<TrucelineDb>();
        var hash = Hash(token);
        var now = time.GetUtcNow().UtcDateTime;
        var cache = Context.RequestServices.GetRequiredService<TokenCache>();
        var found = cache.Find(hash);
        if (found is null)
        {
            var counts = cache.Counts();
            found = await FindAsync(db, hash);
            if (found is not null)
            {
                cache.Keep(hash, found, counts);
            }
        }
        if (found is null || found.User is null || found.Organisation is null)
        {
            return AuthenticateResult.Fail("The bearer token is not known.");
        }
        if (found.RevokedAt is not null)
        {
            return AuthenticateResult.Fail("The bearer token was revoked.");
        }
        if (found.ExpiresAt is { } expires && expires <= now)
        {
            return AuthenticateResult.Fail("The bearer token has expired.");
        }
        if (found.User.Disabled)
        {
            return AuthenticateResult.Fail("The user is disabled.");
        }
        var principal = TrucelineClaims.Principal(found.User, found.Organisation, SchemeName);
        // The database context of this request was created before sign-in was known: tell it who reads.
        db.Viewer = principal.ToViewer();
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    internal sealed record Found(DateTime? RevokedAt, DateTime? ExpiresAt, User? User, Organisation? Organisation);

    // Compiled once (per engine: a compiled query keeps the model it first ran with): every API request runs it, and
    // translating the query each time cost as much as running it.
    private static readonly Func<TrucelineDb, string, Task<Found?>> FindOnSqlite = Compile(), FindOnPostgres = Compile();

    private static Func<TrucelineDb, string, Task<Found?>> Compile() => EF.CompileAsyncQuery((TrucelineDb db, string hash) =>
        db.ApiTokens.AsNoTracking().Where(t => t.TokenHash == hash).Select(t => new Found(t.RevokedAt, t.ExpiresAt, t.User, t.User!.Organisation)).FirstOrDefault());

    private static Task<Found?> FindAsync(TrucelineDb db, string hash) => (db.IsPostgres ? FindOnPostgres : FindOnSqlite)(db, hash);

    private static string? BasicPassword(string encoded)
    {
        try
        {
            var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
            var colon = decoded.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : decoded[(colon + 1)..];
        }
        catch (FormatException)
        {
            return null;
        }
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        Response.Headers.WWWAuthenticate = Context.GetEndpoint()?.Metadata.GetMetadata<BasicChallenge>() is null
            ? "Bearer"
            : new Microsoft.Extensions.Primitives.StringValues(["Bearer", "Basic realm=\"Truceline\", charset=\"UTF-8\""]);
        await Problems.WriteAsync(Context, StatusCodes.Status401Unauthorized, "Unauthorized",
            failure ?? "This endpoint needs a bearer token: send 'Authorization: Bearer <token>' (create one with 'truceline token create --user EMAIL').");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Problems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden",
            $"Your role ({Context.User.FindFirst(System.Security.Claims.ClaimTypes.Role)?.Value ?? "none"}) may not do this.");
}

/// <summary>Endpoint metadata: a 401 also offers HTTP Basic (any user name, the token as password), for clients
/// such as ODK Collect that send credentials only in answer to a Basic challenge.</summary>
public sealed class BasicChallenge
{
    public static readonly BasicChallenge Instance = new();
}
