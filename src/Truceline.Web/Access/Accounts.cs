using System.Net.Mail;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Web.Access;

/// <summary>Users, organisations, sign-in and API tokens.</summary>
public static class Accounts
{
    private static readonly PasswordHasher<User> Hasher = new();

    /// <param name="PartyCode">For a new organisation that is a party's liaison office: the party it speaks for.</param>
    public sealed record NewUser(string? Email, string? DisplayName, string? Role, string? Organisation, string? Password, bool OrganisationParticipates = true, string? PartyCode = null);

    public static Task<Outcome<User>> AddUserAsync(TrucelineDb db, NewUser request, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync(db, () => DecideAddUserAsync(db, request, time, ct), ct);

    private static async Task<Outcome<User>> DecideAddUserAsync(TrucelineDb db, NewUser request, TimeProvider time, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(request.Email) || !MailAddress.TryCreate(request.Email, out _))
        {
            errors.Add("email", "must be an email address");
        }
        if (!RoleNames.TryParse(request.Role, out var role))
        {
            errors.Add("role", $"must be one of {string.Join(", ", Enum.GetValues<Role>().Select(r => r.Slug()))}");
        }
        if (string.IsNullOrWhiteSpace(request.Organisation))
        {
            errors.Add("organisation", "is required");
        }
        if (request.Password is null || request.Password.Length < 10)
        {
            errors.Add("password", "must be at least 10 characters");
        }
        if (errors.Any)
        {
            return errors.ToFailure();
        }
        var email = request.Email!.Trim().ToLowerInvariant();
        if (await db.Users.AnyAsync(u => u.Email == email, ct))
        {
            return Failure.Conflict("User exists", $"A user with the email {email} already exists.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        var orgName = request.Organisation!.Trim();
        var organisation = await db.Organisations.FirstOrDefaultAsync(o => o.Name == orgName, ct);
        if (organisation is null)
        {
            organisation = new Organisation
            {
                Name = orgName, Participating = request.OrganisationParticipates, PartyCode = string.IsNullOrWhiteSpace(request.PartyCode) ? null : request.PartyCode.Trim(), CreatedAt = now,
            };
            db.Organisations.Add(organisation);
        }
        var user = new User
        {
            Email = email,
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? email : request.DisplayName.Trim(),
            Role = role,
            OrganisationId = organisation.Id,
            PasswordHash = "",
            CreatedAt = now,
        };
        user.PasswordHash = Hasher.HashPassword(user, request.Password!);
        db.Users.Add(user);
        await db.SaveChangesAsync(ct);
        return user;
    }

    /// <summary>The user and organisation for a correct email and password, or null: the answer never says which was wrong.</summary>
    public static async Task<(User User, Organisation Organisation)?> SignInAsync(TrucelineDb db, string? email, string? password, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            return null;
        }
        var normalised = email.Trim().ToLowerInvariant();
        var user = await db.Users.Include(u => u.Organisation).FirstOrDefaultAsync(u => u.Email == normalised, ct);
        if (user is null || user.Disabled || user.Organisation is null)
        {
            // Hash anyway so a missing account takes as long as a wrong password.
            Hasher.VerifyHashedPassword(new User { Email = "", DisplayName = "", PasswordHash = "" }, DummyHash, password);
            return null;
        }
        var verdict = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            return null;
        }
        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = Hasher.HashPassword(user, password);
            await db.SaveChangesAsync(ct);
        }
        return (user, user.Organisation);
    }

    private static readonly string DummyHash = Hasher.HashPassword(new User { Email = "", DisplayName = "", PasswordHash = "" }, "not-a-password");

    public sealed record IssuedToken(Guid Id, string Token, string Email, DateTime? ExpiresAt);

    public static async Task<Outcome<IssuedToken>> CreateTokenAsync(TrucelineDb db, string? email, string? name, int? days, TimeProvider time, CancellationToken ct = default)
    {
        if (days is <= 0 or > 3650)
        {
            return Failure.Invalid("days", "must be between 1 and 3650");
        }
        var normalised = email?.Trim().ToLowerInvariant();
        var user = await db.Users.FirstOrDefaultAsync(u => u.Email == normalised, ct);
        if (user is null)
        {
            return Failure.NotFound($"There is no user {email}.");
        }
        var now = time.GetUtcNow().UtcDateTime;
        var token = BearerTokenHandler.NewToken();
        var record = new ApiToken
        {
            UserId = user.Id,
            Name = string.IsNullOrWhiteSpace(name) ? "api" : name.Trim(),
            TokenHash = BearerTokenHandler.Hash(token),
            CreatedAt = now,
            ExpiresAt = days is { } d ? now.AddDays(d) : null,
        };
        db.ApiTokens.Add(record);
        await db.SaveChangesAsync(ct);
        return new IssuedToken(record.Id, token, user.Email, record.ExpiresAt);
    }

    public static async Task<Outcome<ApiToken>> RevokeTokenAsync(TrucelineDb db, Guid id, TimeProvider time, CancellationToken ct = default)
    {
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (token is null)
        {
            return Failure.NotFound($"There is no token {id}.");
        }
        if (token.RevokedAt is not null)
        {
            return Failure.Conflict("Already revoked", $"Token {id} was revoked at {token.RevokedAt:u}.");
        }
        token.RevokedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return token;
    }
}
