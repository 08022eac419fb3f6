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

        // A version-1 installation with a user in it, written as version 1 wrote it, audit entry included.
        var hasher = new Microsoft.AspNetCore.Identity.PasswordHasher<User>();
        var orgId = Guid.CreateVersion7();
        var userId = Guid.CreateVersion7();
        var at = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var entry = new AuditEntry
        {
            Seq = 1, At = at, Actor = "cli:installer", EntityType = "Organisation", EntityId = orgId.ToString(), Subject = $"Organisation:{orgId}",
            Action = "created", Changes = "{\"before\":{},\"after\":{\"Name\":\"Early org\"}}", PrevHash = AuditChain.Genesis, Hash = "",
        };
        entry.Hash = AuditChain.ComputeHash(entry);
        await using (var connection = OpenConnection(target))
        {
            await connection.OpenAsync();
            await Exec(connection, target, "INSERT INTO organisations (id, name, participating, party_code, simulated, created_at) VALUES (@id, 'Early org', @t, NULL, @f, @at)",
                ("id", orgId), ("t", true), ("f", false), ("at", at));
            await Exec(connection, target, "INSERT INTO users (id, email, display_name, role, organisation_id, password_hash, disabled, created_at) VALUES (@id, 'early@test.example', 'Early', 'Coordinator', @org, @hash, @f, @at)",
                ("id", userId), ("org", orgId), ("hash", hasher.HashPassword(null!, "early-password-1")), ("f", false), ("at", at));
            await Exec(connection, target, "INSERT INTO audit_entries (seq, at, actor, entity_type, entity_id, subject, action, changes, prev_hash, hash) VALUES (1, @at, @actor, @type, @eid, @subject, @action, @changes, @prev, @hash)",
                ("at", at), ("actor", entry.Actor), ("type", entry.EntityType), ("eid", entry.EntityId), ("subject", entry.Subject), ("action", entry.Action),
                ("changes", entry.Changes), ("prev", entry.PrevHash), ("hash", entry.Hash));
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
            var imported = await ImportPlan.RunAsync(ctx, ImportPlan.Parse(await File.ReadAllTextAsync(TestFiles.GazaPlan)).Value!, mayVerify: true, TimeProvider.System);
            Assert.True(imported.Succeeded);
            Assert.Equal(23, await ctx.Provisions.CountAsync());
            // The version-1 entry still verifies, chained to everything written since.
            var verdict = await AuditChain.VerifyAsync(ctx);
            Assert.True(verdict.Intact, verdict.Message);
            Assert.True(verdict.Checked > 1);
        }
        var again = await Executable.RunAsync("db", "migrate", "--db", target.ConnectionString);
        Assert.Contains($"schema is current (version {Migrator.Latest(target.Provider)})", again.Output);
    }

    /// <summary>
    /// Migration 0019 (the parties as a dimension of incident_daily) landed on main and was withdrawn: a database that
    /// applied it has another incident_daily and other triggers. 0020 rebuilds the rollup, so such a database ends with
    /// the same tables as any other, its counts right, and the triggers of today keeping them.
    /// </summary>
    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ADatabaseThatAppliedTheWithdrawnMigrationGetsTheRollupsOfToday(string db)
    {
        var target = Databases.Fresh(db);
        await Migrator.MigrateAsync(target, targetVersion: 18);
        var at = new DateTime(2026, 11, 1, 12, 0, 0, DateTimeKind.Utc);
        async Task InsertIncident(System.Data.Common.DbConnection connection, Guid id, string parties, string type) =>
            await Exec(connection, target, """
                INSERT INTO incidents (id, agreement_id, state, occurred_on, latitude, longitude, geo_precision, governorate_code, event_type, sub_event_type,
                    alleged_parties, report_count, source_count, confidence, confidence_reasons, created_at, updated_at, classification, owner_organisation_id, confidential_to)
                VALUES (@id, NULL, 'Reported', @day, 31.4, 34.4, 1, 'PS0270', @type, NULL, @parties, 1, 1, 'Low', '[]', @at, @at, 'Restricted', NULL, NULL)
                """, ("id", id), ("day", new DateOnly(2026, 11, 1)), ("type", type), ("parties", parties), ("at", at));
        var gone = Guid.CreateVersion7();
        await using (var connection = OpenConnection(target))
        {
            await connection.OpenAsync();
            await InsertIncident(connection, Guid.CreateVersion7(), "|israel|", "Shelling");
            await InsertIncident(connection, Guid.CreateVersion7(), "|hamas||israel|", "Shelling");
            await Exec(connection, target, await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "Hosting", "Withdrawn",
                $"0019_incident_daily_parties.{(target.Provider == DbProvider.Postgres ? "postgres" : "sqlite")}.sql")));
            await Exec(connection, target, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (19, '0019_incident_daily_parties.sql', '2026-11-21')");
            await InsertIncident(connection, gone, "", "Gunfire"); // kept by the withdrawn triggers
        }

        await Migrator.MigrateAsync(target);
        await using (var connection = OpenConnection(target))
        {
            await connection.OpenAsync();
            await InsertIncident(connection, Guid.CreateVersion7(), "|hamas|", "Gunfire"); // kept by today's triggers
            await Exec(connection, target, "DELETE FROM incidents WHERE id = @id", ("id", gone));
        }
        await using var ctx = target.CreateContext(TimeProvider.System);
        ctx.Viewer = Viewer.System("test");
        var daily = (await ctx.IncidentDaily.Where(d => d.Count != 0).ToListAsync()).Select(d => $"{d.EventType} {d.Count}").Order();
        Assert.Equal(["Gunfire 1", "Shelling 2"], daily);
        var byParty = (await ctx.IncidentDailyParty.Where(d => d.Count != 0).ToListAsync()).Select(d => $"{d.Party} {d.EventType} {d.Count}").Order();
        Assert.Equal(["hamas Gunfire 1", "hamas Shelling 1", "israel Shelling 2"], byParty);
    }

    private static System.Data.Common.DbConnection OpenConnection(DatabaseTarget target) => target.Provider == DbProvider.Sqlite
        ? new Microsoft.Data.Sqlite.SqliteConnection(target.ConnectionString)
        : new Npgsql.NpgsqlConnection(target.ConnectionString);

    /// <summary>Raw SQL with values as each provider stores them (SQLite: text GUIDs and times, integer booleans).</summary>
    private static async Task Exec(System.Data.Common.DbConnection connection, DatabaseTarget target, string sql, params (string Name, object Value)[] values)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in values)
        {
            var p = command.CreateParameter();
            p.ParameterName = "@" + name;
            p.Value = target.Provider == DbProvider.Postgres ? value : value switch
            {
                Guid g => g.ToString().ToUpperInvariant(),
                DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture),
                bool b => b ? 1 : 0,
                _ => value,
            };
            command.Parameters.Add(p);
        }
        await command.ExecuteNonQueryAsync();
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
        // Versions are unique and ordered (a gap is allowed: a branch's migration may land after a later one, and still applies).
        var versions = Migrator.All(target.Provider).Select(m => m.Version).ToList();
        Assert.Equal(versions.Distinct().Order(), versions);
        Assert.Equal(Migrator.All(DbProvider.Sqlite).Select(m => m.Name), Migrator.All(DbProvider.Postgres).Select(m => m.Name));
    }
}
