using System.CommandLine;
using Spectre.Console;
using Truceline.Access;
using Truceline.Web.Access;

namespace Truceline.Web.Cli;

public static partial class TrucelineCli
{
    private static Command UserAdd()
    {
        var email = new Option<string>("--email") { Description = "Sign-in email", Required = true };
        var role = new Option<string>("--role") { Description = $"One of {string.Join(", ", Enum.GetValues<Role>().Select(x => x.Slug()))}", Required = true };
        var org = new Option<string>("--org") { Description = "Organisation name (created if new)", Required = true };
        var name = new Option<string?>("--name") { Description = "Display name" };
        var outsider = new Option<bool>("--not-participating") { Description = "A new organisation does not take part in the agreement (cannot read restricted records)" };
        var party = new Option<string?>("--party") { Description = "A new organisation that is a party's liaison office: the party code it speaks for (e.g. israel)" };
        var password = new Option<string?>("--password") { Description = "Password (default: read from $TRUCELINE_PASSWORD, or generated and printed)" };
        var cmd = new Command("add", "Add a user") { email, role, org, name, outsider, party, password };
        cmd.SetAction(async (r, ct) =>
        {
            var target = Target(r);
            if (!await EnsureMigratedAsync(target, ct))
            {
                return 1;
            }
            var pw = r.GetValue(password) ?? Environment.GetEnvironmentVariable("TRUCELINE_PASSWORD");
            var generated = pw is null;
            pw ??= Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(12));
            await using var db = OpenAsSystem(target);
            var outcome = await Accounts.AddUserAsync(db, new Accounts.NewUser(r.GetValue(email), r.GetValue(name), r.GetValue(role), r.GetValue(org), pw, !r.GetValue(outsider), r.GetValue(party)), TimeProvider.System, ct);
            if (!outcome.Succeeded)
            {
                return Fail(outcome.Failure!.Detail);
            }
            Console.WriteLine($"Added {outcome.Value!.Email} ({outcome.Value.Role.Slug()}).");
            if (generated)
            {
                Console.WriteLine($"Password: {pw}");
            }
            return 0;
        });
        return cmd;
    }

    private static Command TokenCreate()
    {
        var user = new Option<string>("--user") { Description = "The user's email", Required = true };
        var name = new Option<string?>("--name") { Description = "What the token is for" };
        var days = new Option<int?>("--days") { Description = "Expire after this many days (default: never)" };
        var cmd = new Command("create", "Create an API bearer token for a user and print it (it is shown only once)") { user, name, days };
        cmd.SetAction(async (r, ct) =>
        {
            var target = Target(r);
            if (!await EnsureMigratedAsync(target, ct))
            {
                return 1;
            }
            await using var db = OpenAsSystem(target);
            var outcome = await Accounts.CreateTokenAsync(db, r.GetValue(user), r.GetValue(name), r.GetValue(days), TimeProvider.System, ct);
            if (!outcome.Succeeded)
            {
                return Fail(outcome.Failure!.Detail);
            }
            Console.Error.WriteLine($"Token {outcome.Value!.Id} for {outcome.Value.Email}:");
            Console.WriteLine(outcome.Value.Token);
            return 0;
        });
        return cmd;
    }

    private static Command TokenRevoke()
    {
        var id = new Argument<Guid>("ID") { Description = "The token's id (printed when it was created)" };
        var cmd = new Command("revoke", "Revoke an API token at once") { id };
        cmd.SetAction(async (r, ct) =>
        {
            var target = Target(r);
            if (!await EnsureMigratedAsync(target, ct))
            {
                return 1;
            }
            await using var db = OpenAsSystem(target);
            var outcome = await Accounts.RevokeTokenAsync(db, r.GetValue(id), TimeProvider.System, ct);
            if (!outcome.Succeeded)
            {
                return Fail(outcome.Failure!.Detail);
            }
            Console.WriteLine($"Revoked {outcome.Value!.Id}.");
            return 0;
        });
        return cmd;
    }
}
