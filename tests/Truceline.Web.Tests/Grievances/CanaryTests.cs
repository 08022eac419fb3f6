using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Grievances;

/// <summary>
/// A planted canary: a complaint whose contact details and text carry unique markers, handled through every step.
/// The contact marker is then looked for everywhere it must not be (log lines, exports, the audit trail, public pages,
/// other roles' API answers, the database's raw bytes) and found nowhere in clear; the text marker too, outside the
/// officers' and their supervisors' view. The officers' view, which must show both, is the control that the search would find them.
/// </summary>
public sealed class CanaryTests
{
    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task TheComplainantsContactAndTextAreFoundNowhereButTheHandlingOfficersView(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        var plan = await app.ImportGazaPlanAsync();
        var contact = "CANARYC" + Guid.NewGuid().ToString("N")[..12];
        var text = "CANARYT" + Guid.NewGuid().ToString("N")[..12];
        var code = await GrievanceTests.FileOnThePageAsync(app, "conduct", $"Beaten at the crossing ({text})", $"+970 59 {contact}");
        using var officer = app.Client(Role.GrievanceOfficer);
        var id = (string)JsonNode.Parse(await officer.GetStringAsync("/api/v1/grievances"))!.AsArray().Single()!["id"]!;
        // Every step, so that every step's audit entry and log line exists.
        StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsync($"/api/v1/grievances/{id}/acknowledge", Json("{\"severity\":\"high\"}"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsync($"/api/v1/grievances/{id}/respond", Json("{\"response\":\"The unit commander was informed.\"}"))).StatusCode);
        using var anyone = app.Client();
        Assert.Equal(HttpStatusCode.OK, (await anyone.PostAsync($"/api/v1/grievances/track/{code}/appeal", Json("{\"reason\":\"No action was taken\"}"))).StatusCode);
        app.Clock.Advance(TimeSpan.FromDays(40));
        using var supervisor = app.Client(Role.GrievanceSupervisor);
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PostAsync("/api/v1/grievances/escalations", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.PostAsync($"/api/v1/grievances/{id}/respond", Json("{\"response\":\"Disciplinary steps were taken.\"}"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anyone.PostAsync($"/api/v1/grievances/track/{code}/close", Json("{\"satisfied\":false,\"comment\":\"Too late\"}"))).StatusCode);

        // The control: the handling officer's view has both markers, so the searches below would find them.
        var own = await officer.GetStringAsync($"/api/v1/grievances/{id}");
        Assert.Contains(contact, own);
        Assert.Contains(text, own);
        using var officerPages = await FormSignIn.ClientAsync(app, Role.GrievanceOfficer);
        Assert.Contains(contact, await officerPages.GetStringAsync($"/grievances/{id}"));

        var places = new List<(string Where, string Content)>();
        places.AddRange(app.Logs.Lines.Select(l => ("log", l)));
        foreach (var path in new[] { "/", "/complaint", "/complaint/track", "/public/incidents", "/log", "/aid", "/api/v1/open", "/api/v1/open/grievances", "/api/v1/log/entries" })
        {
            places.Add((path, await anyone.GetStringAsync(path)));
        }
        foreach (var dataset in Truceline.Transparency.OpenData.Datasets)
        {
            foreach (var format in dataset.HasPlaces ? new[] { "csv", "json", "geojson" } : ["csv", "json"])
            {
                places.Add(($"open {dataset.Kind}.{format}", await anyone.GetStringAsync($"/api/v1/open/{dataset.Kind}.{format}")));
            }
        }
        places.Add(("tracking", await anyone.GetStringAsync($"/api/v1/grievances/track/{code}")));
        foreach (var role in Enum.GetValues<Role>().Where(r => r != Role.GrievanceOfficer))
        {
            using var other = app.Client(role);
            foreach (var path in new[] { "/api/v1/grievances", $"/api/v1/grievances/{id}", $"/api/v1/plans/{plan}/audit", $"/api/v1/plans/{plan}/export" })
            {
                var answer = await other.GetAsync(path);
                places.Add(($"{role} {path} ({(int)answer.StatusCode})", await answer.Content.ReadAsStringAsync()));
            }
        }
        await using (var ctx = app.OpenDb())
        {
            foreach (var a in await ctx.AuditEntries.AsNoTracking().ToListAsync())
            {
                places.Add(($"audit #{a.Seq}", System.Text.Json.JsonSerializer.Serialize(a)));
            }
        }
        places.AddRange(await RawDatabaseAsync(app));

        var leaks = places.Where(p => p.Content.Contains(contact, StringComparison.Ordinal)).Select(p => p.Where).ToList();
        Assert.True(leaks.Count == 0, "the contact marker leaked in: " + string.Join(", ", leaks));
        // The supervisors read the complaint itself (to chase it), never the contact.
        var textLeaks = places.Where(p => p.Content.Contains(text, StringComparison.Ordinal) && p.Where != $"GrievanceSupervisor /api/v1/grievances/{id} (200)")
            .Select(p => p.Where).ToList();
        Assert.True(textLeaks.Count == 0, "the text marker leaked in: " + string.Join(", ", textLeaks));
        Assert.True(places.Count > 60, $"only {places.Count} places searched");
    }

    /// <summary>SQLite: the file's bytes with its journal. PostgreSQL: every row of every table, as text.</summary>
    private static async Task<List<(string, string)>> RawDatabaseAsync(TestApp app)
    {
        var found = new List<(string, string)>();
        if (app.Database.Provider == Truceline.Data.DbProvider.Sqlite)
        {
            SqliteConnection.ClearAllPools();
            var file = new SqliteConnectionStringBuilder(app.Database.ConnectionString).DataSource;
            foreach (var part in new[] { file, file + "-wal", file + "-shm", file + "-journal" }.Where(File.Exists))
            {
                var bytes = await File.ReadAllBytesAsync(part);
                // Latin-1 keeps every byte as one character: an ASCII marker stored in clear shows as itself.
                found.Add(($"raw {Path.GetFileName(part)}", Encoding.Latin1.GetString(bytes)));
            }
            Assert.NotEmpty(found);
            return found;
        }
        await using var ctx = app.OpenDb();
        var tables = await ctx.Database.SqlQueryRaw<string>("SELECT table_name AS \"Value\" FROM information_schema.tables WHERE table_schema = 'public'").ToListAsync();
        foreach (var table in tables)
        {
            // The names come from the catalogue, not from input.
            var sql = "SELECT row_to_json(t)::text AS \"Value\" FROM \"" + table.Replace("\"", "", StringComparison.Ordinal) + "\" t";
            var rows = await ctx.Database.SqlQueryRaw<string>(sql).ToListAsync();
            found.Add(($"table {table}", string.Join("\n", rows)));
        }
        Assert.Contains(found, f => f.Item1 == "table grievances");
        return found;
    }
}
