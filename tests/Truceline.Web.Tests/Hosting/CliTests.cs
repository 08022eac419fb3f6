using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Hosting;

public sealed class CliTests
{
    public static TheoryData<string> Verbs => ["serve", "db migrate", "user add", "token create", "token revoke", "plan import", "plan export", "audit verify", "zones import", "zones list", "import incidents"];

    [Theory, MemberData(nameof(Verbs))]
    public async Task EveryVerbExplainsItselfWithHelp(string verb)
    {
        var result = await Executable.RunAsync([.. verb.Split(' '), "--help"]);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage:", result.Output);
        Assert.Contains("--db", result.Output);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AUserAddedAndGivenATokenAtTheConsoleCanUseTheApi(string db)
    {
        var target = Databases.Fresh(db);
        Assert.Equal(0, (await Executable.RunAsync("db", "migrate", "--db", target.ConnectionString)).ExitCode);
        var add = await Executable.RunAsync("user", "add", "--email", "ops@test.example", "--role", "verifier", "--org", "Ops", "--password", "a-long-password", "--db", target.ConnectionString);
        Assert.True(add.ExitCode == 0, add.All);
        Assert.Contains("Added ops@test.example (verifier)", add.Output);
        var bad = await Executable.RunAsync("user", "add", "--email", "not-an-email", "--role", "general", "--org", "Ops", "--password", "x", "--db", target.ConnectionString);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("email: must be an email address", bad.Output);
        Assert.Contains("role: must be one of admin, coordinator", bad.Output);

        var token = await Executable.RunAsync("token", "create", "--user", "ops@test.example", "--db", target.ConnectionString);
        Assert.True(token.ExitCode == 0, token.All);
        Assert.Matches("^tl_[A-Za-z0-9_-]{43}$", token.Output.Trim());
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task PlanImportAndExportRoundTripThroughFiles(string db)
    {
        var target = Databases.Fresh(db);
        await Executable.RunAsync("db", "migrate", "--db", target.ConnectionString);
        var import = await Executable.RunAsync("plan", "import", TestFiles.GazaPlan, "--db", target.ConnectionString);
        Assert.True(import.ExitCode == 0, import.All);
        Assert.Contains("Imported gaza-cp", import.Output);
        var file = Path.Combine(Path.GetTempPath(), $"export-{Guid.NewGuid():N}.json");
        var export = await Executable.RunAsync("plan", "export", "gaza-cp", "-o", file, "--db", target.ConnectionString);
        Assert.True(export.ExitCode == 0, export.All);
        Assert.Equal(await File.ReadAllTextAsync(TestFiles.GazaPlan), await File.ReadAllTextAsync(file));

        var again = await Executable.RunAsync("plan", "import", file, "--db", target.ConnectionString);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already exists", again.Output);
        var broken = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(broken, "{\"format\":\"truceline-plan/9\",\"agreement\":{\"code\":\"Bad Code\"}}");
        var refused = await Executable.RunAsync("plan", "import", broken, "--db", target.ConnectionString);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("nothing was imported", refused.Output);
        Assert.Contains("format: must be \"truceline-plan/1\"", refused.Output);
        Assert.Contains("agreement.code:", refused.Output);
    }

    [Fact]
    public async Task AVerbOnADatabaseThatWasNeverMigratedSaysWhatToRun()
    {
        var target = Databases.Fresh("sqlite");
        var result = await Executable.RunAsync("audit", "verify", "--db", target.ConnectionString);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("run 'truceline db migrate' first", result.Output);
    }
}
