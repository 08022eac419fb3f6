using Truceline.Common;

namespace Truceline.Access;

/// <summary>
/// The named readers of a confidential record, as written in files and requests ("role:verifier",
/// "org:Independent Verification Mission") and as stored for the query filter ("|role:Verifier||org:{id}|").
/// </summary>
public static class Confidentiality
{
    public static string? ToTokens(List<string>? readers, IReadOnlyDictionary<string, Guid> organisationsByName, string field, FieldErrors errors)
    {
        if (readers is null || readers.Count == 0)
        {
            return null;
        }
        var tokens = new List<string>();
        foreach (var (reader, i) in readers.Select((r, i) => (r, i)))
        {
            var parts = reader.Split(':', 2);
            if (parts.Length == 2 && parts[0] == "role" && RoleNames.TryParse(parts[1], out var role))
            {
                tokens.Add(RoleNames.ConfidentialToken(role));
            }
            else if (parts.Length == 2 && parts[0] == "org" && organisationsByName.TryGetValue(parts[1], out var org))
            {
                tokens.Add(RoleNames.ConfidentialToken(org));
            }
            else
            {
                errors.Add($"{field}[{i}]", $"'{reader}' must be role:ROLE or org:NAME of an existing organisation");
            }
        }
        return string.Concat(tokens);
    }

    public static List<string> FromTokens(string? tokens, IReadOnlyDictionary<Guid, string> organisationNames)
    {
        var readers = new List<string>();
        foreach (var token in (tokens ?? "").Split('|', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = token.Split(':', 2);
            if (parts[0] == "role" && Enum.TryParse<Role>(parts[1], out var role))
            {
                readers.Add($"role:{role.Slug()}");
            }
            else if (parts[0] == "org" && Guid.TryParse(parts[1], out var id) && organisationNames.TryGetValue(id, out var name))
            {
                readers.Add($"org:{name}");
            }
        }
        return readers;
    }
}
