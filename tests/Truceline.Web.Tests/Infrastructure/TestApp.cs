using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Data;
using Truceline.Web.Access;

namespace Truceline.Web.Tests.Infrastructure;

/// <summary>
/// The real application on Kestrel at a free loopback port, over a real database, with one user (and bearer
/// token) per role. Tests talk to it over HTTP exactly as a client would.
/// </summary>
public sealed class TestApp : IAsyncDisposable
{
    public const string Password = "correct-horse-battery";

    /// <summary>The personal-data key of the test apps (in production it is a file outside the database).</summary>
    public static readonly Truceline.Access.PersonalData PersonalDataKey = new(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>The transparency log's signing key for every test app; its public half is what a verifier holds.</summary>
    public static readonly Truceline.Transparency.NoteSigner LogSigner =
        Truceline.Transparency.NoteSigner.Generate("truceline.test/log", Truceline.Transparency.NoteKeyType.Ed25519, TimeProvider.System);

    private readonly WebApplication _app;
    private readonly Dictionary<Role, string> _tokens = [];

    private TestApp(WebApplication app, DatabaseTarget database, TestClock clock, Uri address)
    {
        _app = app;
        Database = database;
        Clock = clock;
        Address = address;
    }

    public DatabaseTarget Database { get; }

    public TestClock Clock { get; }

    public Uri Address { get; }

    /// <summary>Stops the app's background grouping, for a test that groups by hand: its timer runs in real time (the
    /// test clock only stands still for what reads the time), so a pass could otherwise group a report mid-test.</summary>
    public Task StopBackgroundGroupingAsync() =>
        _app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<Truceline.Web.Incidents.IncidentGrouper>().Single().StopAsync(CancellationToken.None);

    /// <summary>The organisation of the users who may read restricted records.</summary>
    public Guid ParticipatingOrganisation { get; private set; }

    /// <summary>What the app logged, through the same filters as in production.</summary>
    public CapturedLogs Logs { get; private set; } = null!;

    /// <summary>Where this app's SMS answers go (the outbound gateway's file sink).</summary>
    public string SmsOutbox { get; private set; } = "";

    /// <summary>Starts the app on a fresh database. Tracking codes may be tried 1,000 times a minute unless a test asks
    /// otherwise (tests share one address); SMS answers go to a file of the app's own.</summary>
    public static async Task<TestApp> StartAsync(string kind, int trackingPerMinute = 1_000, string? smsOutbound = null)
    {
        var database = Databases.Fresh(kind);
        await Migrator.MigrateAsync(database);
        var clock = new TestClock(TestClock.Default);
        var logs = new CapturedLogs();
        var outbox = Path.Combine(Path.GetTempPath(), "truceline-tests", $"sms-{Guid.NewGuid():N}.jsonl");
        Directory.CreateDirectory(Path.GetDirectoryName(outbox)!);
        var app = TrucelineApp.Build(new ServeOptions(database, "http://127.0.0.1:0", false, clock, AppContext.BaseDirectory, PersonalDataKey, LogSigner),
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Grievances:TrackingPerMinute"] = trackingPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Grievances:SmsOutbound"] = smsOutbound ?? "file:" + outbox,
                });
                builder.Logging.AddProvider(logs);
            });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var test = new TestApp(app, database, clock, new Uri(address)) { SmsOutbox = outbox, Logs = logs };
        await test.SeedUsersAsync();
        return test;
    }

    public static string Email(Role role) => $"{role.Slug()}@test.example";

    /// <summary>Donors and analysts belong to organisations outside the agreement: they read public records only.</summary>
    public static bool Participates(Role role) => role is not (Role.Donor or Role.Analyst);

    private async Task SeedUsersAsync()
    {
        await using var db = OpenDb();
        foreach (var role in Enum.GetValues<Role>())
        {
            var org = Participates(role) ? "Participating test organisation" : $"Outside organisation ({role.Slug()})";
            var added = await Accounts.AddUserAsync(db, new Accounts.NewUser(Email(role), $"Test {role}", role.Slug(), org, Password, Participates(role)), Clock);
            Assert.True(added.Succeeded, added.Failure?.Detail);
            if (Participates(role))
            {
                ParticipatingOrganisation = added.Value!.OrganisationId;
            }
            var token = await Accounts.CreateTokenAsync(db, Email(role), "tests", null, Clock);
            _tokens[role] = token.Value!.Token;
        }
    }

    /// <summary>A database context that sees everything (as the console does), for arranging and inspecting.</summary>
    public TrucelineDb OpenDb()
    {
        var db = Database.CreateContext(Clock);
        db.Viewer = Viewer.System("test");
        return db;
    }

    /// <summary>What PostgreSQL sessions are waiting on (locks, advisory locks), for a test that stalls; SQLite has no such view.</summary>
    public async Task<string> DescribeWaitsAsync()
    {
        if (Database.Provider != DbProvider.Postgres)
        {
            return "(SQLite: no lock view)";
        }
        await using var db = OpenDb();
        var rows = await db.Database.SqlQueryRaw<string>(
            "SELECT concat_ws(' ', pid::text, state, wait_event_type, wait_event, left(query, 120)) AS \"Value\" FROM pg_stat_activity " +
            "WHERE datname = current_database() AND pid <> pg_backend_pid() AND state <> 'idle'").ToListAsync();
        return rows.Count == 0 ? "no session busy" : string.Join(" | ", rows);
    }

    public string Token(Role role) => _tokens[role];

    public HttpClient Client(Role? role = null)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (role is { } r)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", _tokens[r]);
        }
        return client;
    }

    /// <summary>Imports the shipped Gaza plan under a new code, so each test has a plan of its own to change.</summary>
    /// <param name="withHistory">False imports the plan as if nothing had happened yet (no status history, every
    /// provision not initiated, no observations), so the transparency log starts empty; importing a history publishes it.</param>
    public async Task<string> ImportGazaPlanAsync(string? code = null, bool withHistory = true)
    {
        code ??= "gaza-" + Guid.NewGuid().ToString("N")[..10];
        var plan = await GazaPlanAsync(code, withHistory);
        // An administrator: the shipped plan carries verified observations, which a coordinator may not import.
        using var client = Client(Role.Administrator);
        var response = await client.PostAsync("/api/v1/plans", new StringContent(plan.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return code;
    }

    /// <summary>
    /// Waits until the public cache's generation has not moved for a second and a half: its one-second poll of the log
    /// also notices what this process committed (and bumps again), so a test of what is answered from the cache first
    /// lets it catch up.
    /// </summary>
    public async Task WaitForPublicCacheToSettleAsync()
    {
        var cache = _app.Services.GetRequiredService<Truceline.Web.PublicCache>();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        var seen = cache.Generation;
        var since = DateTime.UtcNow;
        while (DateTime.UtcNow < deadline && DateTime.UtcNow - since < TimeSpan.FromSeconds(1.5))
        {
            await Task.Delay(100);
            if (cache.Generation != seen)
            {
                (seen, since) = (cache.Generation, DateTime.UtcNow);
            }
        }
    }

    /// <summary>The shipped Gaza plan file under another code, with or without its recorded history.</summary>
    public static async Task<System.Text.Json.Nodes.JsonNode> GazaPlanAsync(string code, bool withHistory)
    {
        var plan = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(TestFiles.GazaPlan))!;
        plan["agreement"]!["code"] = code;
        if (!withHistory)
        {
            foreach (var provision in plan["agreement"]!["phases"]!.AsArray().SelectMany(ph => ph!["provisions"]!.AsArray()))
            {
                provision!.AsObject().Remove("statusHistory");
                provision["status"] = 0;
                foreach (var metric in provision["metrics"]?.AsArray() ?? [])
                {
                    metric!.AsObject().Remove("observations");
                }
            }
        }
        return plan;
    }

    public async Task<Guid> ProvisionIdAsync(string plan, string code)
    {
        using var client = Client(Role.Administrator);
        var overview = await client.GetFromJsonAsync<Truceline.Web.Plans.PlanOverview>($"/api/v1/plans/{plan}", Json.Options);
        return overview!.Provisions.Single(p => p.Code == code).Id;
    }

    private readonly SemaphoreSlim _zones = new(1, 1);

    /// <summary>The five OCHA governorates (read in place from ../shared), once per test database.</summary>
    public Task EnsureGovernoratesAsync() => EnsureZonesAsync(Truceline.Geo.ZoneKind.Governorate,
        Path.Combine("boundaries", "ocha-codab-pse-adm2-gaza-governorates-20231019.geojson"), "OCHA COD-AB", "ADM2_PCODE", "ADM2_EN");

    /// <summary>The governorates and the crossings (read in place from ../shared), once per test database.</summary>
    public async Task EnsureCrossingsAsync()
    {
        await EnsureGovernoratesAsync();
        await EnsureZonesAsync(Truceline.Geo.ZoneKind.Crossing, Path.Combine("crossings", "gaza-crossings.geojson"), "Wikipedia; mushon/nibal", "name", "name");
    }

    private async Task EnsureZonesAsync(Truceline.Geo.ZoneKind kind, string file, string source, string codeProperty, string nameProperty)
    {
        await _zones.WaitAsync();
        try
        {
            await using var ctx = OpenDb();
            if (ctx.Zones.Any(z => z.Kind == kind))
            {
                return;
            }
            var zones = Truceline.Geo.GeoJson.Read(await File.ReadAllTextAsync(Path.Combine(TestFiles.Shared, "data", file))).Value!;
            var imported = await Truceline.Geo.ImportZones.RunAsync(ctx, zones, new Truceline.Geo.ImportZones.Options(kind, source, codeProperty, nameProperty), Clock);
            Assert.True(imported.Succeeded, imported.Failure?.Detail);
        }
        finally
        {
            _zones.Release();
        }
    }

    /// <summary>A user of a new organisation of its own (so its records are not the shared test organisation's), with a token.</summary>
    public async Task<HttpClient> ClientOfNewOrganisationAsync(Role role, string organisation)
    {
        await using var db = OpenDb();
        var email = $"{role.Slug()}-{Guid.NewGuid():N}@test.example";
        var added = await Accounts.AddUserAsync(db, new Accounts.NewUser(email, $"Test {role} of {organisation}", role.Slug(), organisation, Password, true), Clock);
        Assert.True(added.Succeeded, added.Failure?.Detail);
        var token = await Accounts.CreateTokenAsync(db, email, "tests", null, Clock);
        var client = new HttpClient { BaseAddress = Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Value!.Token);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (Database.Provider == DbProvider.Postgres)
        {
            // Each app has a database, so a pool, of its own: closed now rather than after five idle minutes, or the
            // apps of a whole run hold more connections at once than the test server allows.
            await using var connection = new Npgsql.NpgsqlConnection(Database.ConnectionString);
            Npgsql.NpgsqlConnection.ClearPool(connection);
        }
    }
}
