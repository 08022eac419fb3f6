using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Audit;
using Truceline.Data;
using Truceline.Plans.Files;
using Truceline.Web.Access;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Hosting;

public sealed class MigrationTests
{
    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AnExistingDatabaseIsUpgradedInPlaceKeepingItsData(string db)
    {
        var target = Databases.Fresh(db);
        var first = await Migrator.MigrateAsync(target, targetVersion: 1);
        Assert.Equal((0, 1), (first.From, first.To));

        // A version-1 installation with a user in it…
        await using (var ctx = target.CreateContext(TimeProvider.System))
        {
            ctx.Viewer = Viewer.System("test");
            var added = await Accounts.AddUserAsync(ctx, new Accounts.NewUser("early@test.example", "Early", "coordinator", "Early org", "early-password-1"), TimeProvider.System);
            Assert.True(added.Succeeded, added.Failure?.Detail);
        }
        // …is upgraded by the same command a new installation runs.
        var upgrade = await Executable.RunAsync("db", "migrate", "--db", target.ConnectionString);
        Assert.True(upgrade.ExitCode == 0, upgrade.All);
        Assert.Contains($"upgraded from version 1 to {Migrator.Latest(target.Provider)}", upgrade.Output);
        Assert.Equal(Migrator.Latest(target.Provider), await Migrator.CurrentVersionAsync(target));

        await using (var ctx = target.CreateContext(TimeProvider.System))
        {
            ctx.Viewer = Viewer.System("test");
            Assert.NotNull(await Accounts.SignInAsync(ctx, "early@test.example", "early-password-1"));
            var imported = await ImportPlan.RunAsync(ctx, ImportPlan.Parse(await File.ReadAllTextAsync(TestFiles.GazaPlan)).Value!, TimeProvider.System);
            Assert.True(imported.Succeeded);
            Assert.Equal(23, await ctx.Provisions.CountAsync());
            Assert.True((await AuditChain.VerifyAsync(ctx)).Intact);
        }
        var again = await Executable.RunAsync("db", "migrate", "--db", target.ConnectionString);
        Assert.Contains($"schema is current (version {Migrator.Latest(target.Provider)})", again.Output);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task TheMigratedSchemaHoldsEveryEntityOfTheModel(string db)
    {
        var target = Databases.Fresh(db);
        await Migrator.MigrateAsync(target);
        await using var ctx = target.CreateContext(TimeProvider.System);
        ctx.Viewer = Viewer.System("test");
        // Reading each entity set selects every mapped column: a column missing from the SQL fails here.
        foreach (var entity in ctx.Model.GetEntityTypes())
        {
            var set = (IQueryable<object>)typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!.MakeGenericMethod(entity.ClrType).Invoke(ctx, null)!;
            await set.Take(1).ToListAsync();
        }
        Assert.Equal(Enumerable.Range(1, Migrator.Latest(target.Provider)), Migrator.All(target.Provider).Select(m => m.Version));
        Assert.Equal(Migrator.All(DbProvider.Sqlite).Select(m => m.Name), Migrator.All(DbProvider.Postgres).Select(m => m.Name));
    }
}
