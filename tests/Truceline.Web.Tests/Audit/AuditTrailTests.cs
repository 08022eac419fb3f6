using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Audit;
using Truceline.Data;
using Truceline.Plans.Files;
using Truceline.Web.Plans;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Audit;

public sealed class AuditTrailTests(Apps apps)
{
    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task EveryChangeIsAuditedWithWhoAndBeforeAndAfter(string db)
    {
        var app = await apps.Get(db);
        var plan = await app.ImportGazaPlanAsync();
        var id = await app.ProvisionIdAsync(plan, "P2-TRADE");
        using var coordinator = app.Client(Role.Coordinator);
        var response = await coordinator.PostAsync($"/api/v1/provisions/{id}/status",
            new StringContent("{\"status\":2,\"evidence\":\"Crossing protocol signed (simulated)\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var trail = (await coordinator.GetFromJsonAsync<List<AuditView>>($"/api/v1/provisions/{id}/audit", Json.Options))!;
        var change = trail.First(e => e.EntityType == "Provision" && e.Action == "changed");
        Assert.Equal(TestApp.Email(Role.Coordinator), change.Actor);
        Assert.Equal("{\"before\":{\"Status\":0},\"after\":{\"Status\":2}}", change.Changes);
        var history = trail.First(e => e.EntityType == "StatusChange" && e.Action == "created");
        Assert.Contains("Crossing protocol signed (simulated)", history.Changes);
        Assert.Contains(trail, e => e.EntityType == "Provision" && e.Action == "created");

        using var admin = app.Client(Role.Administrator);
        var verdict = (await admin.GetFromJsonAsync<AuditChain.Verdict>("/api/v1/audit/verify", Json.Options))!;
        Assert.True(verdict.Intact, verdict.Message);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task SecretsAppearInTheAuditTrailOnlyAsSet(string db)
    {
        var app = await apps.Get(db);
        await using var context = app.OpenDb();
        var entries = await context.AuditEntries.Where(e => e.EntityType == "User" || e.EntityType == "ApiToken").ToListAsync();
        Assert.NotEmpty(entries);
        Assert.All(entries, e => Assert.DoesNotContain("AQAAAA", e.Changes, StringComparison.Ordinal)); // PasswordHasher v3 prefix
        Assert.Contains(entries, e => e.Changes.Contains("\"PasswordHash\":\"(set)\"", StringComparison.Ordinal));
        Assert.Contains(entries, e => e.Changes.Contains("\"TokenHash\":\"(set)\"", StringComparison.Ordinal));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AFailedSaveLeavesNeitherTheChangeNorItsAuditEntry(string db)
    {
        var target = Databases.Fresh(db);
        await Migrator.MigrateAsync(target);
        await using (var ctx = Open(target))
        {
            ctx.Organisations.Add(new Organisation { Name = "A", Participating = true });
            await ctx.SaveChangesAsync();
        }
        await using (var ctx = Open(target))
        {
            var org = await ctx.Organisations.AsNoTracking().FirstAsync();
            ctx.Organisations.Add(new Organisation { Name = "B" });
            ctx.Organisations.Add(new Organisation { Id = org.Id, Name = "duplicate key" });
            await Assert.ThrowsAnyAsync<Exception>(() => ctx.SaveChangesAsync());
        }
        await using (var ctx = Open(target))
        {
            Assert.Equal(["A"], await ctx.Organisations.Select(o => o.Name).ToListAsync());
            Assert.Equal(1, await ctx.AuditEntries.CountAsync());
            Assert.True((await AuditChain.VerifyAsync(ctx)).Intact);
        }
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task TheDatabaseRefusesToRewriteAuditEntries(string db)
    {
        var target = await PlanDatabaseAsync(db);
        await using var ctx = Open(target);
        var ex = await Assert.ThrowsAnyAsync<Exception>(() => ctx.Database.ExecuteSqlRawAsync("UPDATE audit_entries SET actor = 'someone else' WHERE seq = 3"));
        Assert.Contains("append-only", ex.Message);
        ex = await Assert.ThrowsAnyAsync<Exception>(() => ctx.Database.ExecuteSqlRawAsync("DELETE FROM audit_entries WHERE seq = 3"));
        Assert.Contains("append-only", ex.Message);
    }

    public static TheoryData<string, string, string> Tampering => new()
    {
        { "sqlite", "UPDATE audit_entries SET changes = changes || ' ' WHERE seq = 5", "Entry 5" },
        { "postgres", "UPDATE audit_entries SET changes = changes || ' ' WHERE seq = 5", "Entry 5" },
        { "sqlite", "DELETE FROM audit_entries WHERE seq = 7", "Entry 7 is missing" },
        { "postgres", "DELETE FROM audit_entries WHERE seq = 7", "Entry 7 is missing" },
        { "sqlite", "UPDATE audit_entries SET actor = 'cli:mallory' WHERE seq = 9", "Entry 9" },
        { "postgres", "UPDATE audit_entries SET actor = 'cli:mallory' WHERE seq = 9", "Entry 9" },
    };

    [Theory, MemberData(nameof(Tampering))]
    public async Task AuditVerifyNamesTheFirstEntryAlteredBehindTheDatabasesBack(string db, string tamper, string named)
    {
        var target = await PlanDatabaseAsync(db);
        var ok = await Executable.RunAsync("audit", "verify", "--db", target.ConnectionString);
        Assert.True(ok.ExitCode == 0, ok.All);
        Assert.Contains("Audit chain intact", ok.Output);

        await using (var ctx = Open(target))
        {
            // Someone with direct database access first removes the guard, then rewrites history.
            await ctx.Database.ExecuteSqlRawAsync(db == "sqlite"
                ? "DROP TRIGGER audit_entries_no_update; DROP TRIGGER audit_entries_no_delete;"
                : "DROP TRIGGER audit_entries_no_update ON audit_entries;");
            Assert.Equal(1, await ctx.Database.ExecuteSqlRawAsync(tamper));
        }
        var broken = await Executable.RunAsync("audit", "verify", "--db", target.ConnectionString);
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains("BROKEN", broken.Output);
        Assert.Contains(named, broken.Output);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ARecordWrittenWithoutTrackingHasTheEntryTheInterceptorWritesForIt(string db)
    {
        // Intake and grouping write records without the context and describe their audit entries from the model; a
        // report with every kind of value (text to escape, a list, enums, dates, a secret) must read as the interceptor
        // writes it when the same report is added through the context.
        var target = Databases.Fresh(db);
        await Migrator.MigrateAsync(target);
        await using var ctx = Open(target);
        var organisation = new Organisation { Name = "Monitors (simulated)", Participating = true };
        ctx.Organisations.Add(organisation);
        await ctx.SaveChangesAsync();
        var report = new Truceline.Incidents.Report
        {
            Channel = Truceline.Incidents.Channel.Sms, ClientId = "phone-7/1", ReceivedAt = new DateTime(2026, 12, 6, 21, 54, 46, 479, DateTimeKind.Utc).AddTicks(7969),
            SourceType = Truceline.Incidents.SourceType.Civilian, SourceIdentity = "Witness S. (a secret)", SourceFingerprint = "fingerprint-secret",
            Source = "A \"quoted\" paper — صحيفة", Structured = true, OccurredOn = new DateOnly(2026, 10, 4), OccurredAt = new DateTime(2026, 10, 4, 5, 30, 0, DateTimeKind.Utc),
            TimePrecision = 2, Latitude = 31.448802064079235, Longitude = 34.39462962473213, GeoPrecision = 2, PlaceName = "Khan Younis", EventType = "Shelling",
            SubEventType = "Artillery", Description = "line one\nline <two> & 'three'", AllegedParties = ["party-a", "party-b"], Fatalities = 3, RawText = "raw\ttext",
            GovernorateCode = "PS0270", Place = "{\"governorate\":{\"code\":\"PS0270\"}}", Classification = Classification.Confidential,
            OwnerOrganisationId = organisation.Id, ConfidentialTo = "verifiers",
        };
        var bulk = AuditInterceptor.Created(ctx, report, AuditChain.Truncate(DateTime.UtcNow), AuditInterceptor.CreatedChanges(ctx, report));
        ctx.Reports.Add(report);
        await ctx.SaveChangesAsync();
        var written = await ctx.AuditEntries.IgnoreQueryFilters().SingleAsync(e => e.EntityType == "Report" && e.Action == "created");
        Assert.Equal((written.EntityId, written.Subject, written.Actor, written.Classification, written.OwnerOrganisationId, written.ConfidentialTo),
            (bulk.EntityId, bulk.Subject, bulk.Actor, bulk.Classification, bulk.OwnerOrganisationId, bulk.ConfidentialTo));
        Assert.Equal(written.Changes, bulk.Changes);
        Assert.Contains("\"SourceIdentity\":\"(set)\"", bulk.Changes);
        Assert.DoesNotContain("secret", bulk.Changes);

        // A change made without tracking (grouping links reports, updates incidents) reads as the same change made through
        // the context: only what changed, in the same order, the secret hidden.
        var change = AuditInterceptor.Changed(ctx, report, report.Id.ToString(),
        [
            (nameof(report.Fatalities), report.Fatalities, 4), (nameof(report.Description), report.Description, "now \"quoted\" — مقتبس"),
            (nameof(report.AllegedParties), report.AllegedParties.ToList(), new List<string> { "party-c" }), (nameof(report.GeoPrecision), 2, 2),
            (nameof(report.SourceIdentity), report.SourceIdentity, "another secret"), (nameof(report.OccurredOn), report.OccurredOn, new DateOnly(2026, 10, 5)),
        ], DateTime.UtcNow)!;
        (report.Fatalities, report.Description, report.AllegedParties, report.SourceIdentity, report.OccurredOn) = (4, "now \"quoted\" — مقتبس", ["party-c"], "another secret", new DateOnly(2026, 10, 5));
        await ctx.SaveChangesAsync();
        var changed = await ctx.AuditEntries.IgnoreQueryFilters().SingleAsync(e => e.EntityType == "Report" && e.Action == "changed");
        Assert.Equal(changed.Changes, change.Changes);
        Assert.DoesNotContain("GeoPrecision", change.Changes);
        Assert.DoesNotContain("secret", change.Changes);
    }

    private static TrucelineDb Open(DatabaseTarget target)
    {
        var db = target.CreateContext(TimeProvider.System);
        db.Viewer = Viewer.System("test");
        return db;
    }

    private static async Task<DatabaseTarget> PlanDatabaseAsync(string db)
    {
        var target = Databases.Fresh(db);
        await Migrator.MigrateAsync(target);
        await using var ctx = Open(target);
        var imported = await ImportPlan.RunAsync(ctx, ImportPlan.Parse(await File.ReadAllTextAsync(TestFiles.GazaPlan)).Value!, mayVerify: true, TimeProvider.System);
        Assert.True(imported.Succeeded);
        Assert.True(await ctx.AuditEntries.CountAsync() > 20);
        return target;
    }
}
