using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Portal;

/// <summary>The portal's pages and open data are answered from memory for visitors, and answered afresh as soon as a
/// leaf is appended; signed-in users are never served from it. A change made behind the app's back (here, a title
/// edited in the database) shows whether an answer came from the cache.</summary>
public sealed class PublicCacheTests
{
    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task VisitorsAreAnsweredFromTheCacheUntilALeafIsAppendedSignedInUsersNever(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        var plan = await app.ImportGazaPlanAsync();
        await app.WaitForPublicCacheToSettleAsync();
        using var visitor = app.Client();
        var first = await visitor.GetAsync($"/plans/{plan}");
        Assert.Contains("Comprehensive Plan for Gaza", await first.Content.ReadAsStringAsync());
        var csv = await visitor.GetStringAsync("/api/v1/open/provision-status.csv");

        await using (var ctx = app.OpenDb())
        {
            await ctx.Database.ExecuteSqlRawAsync("UPDATE agreements SET title = 'Renamed behind the cache' WHERE code = {0}", plan);
        }
        var cached = await visitor.GetAsync($"/plans/{plan}");
        Assert.Contains("Comprehensive Plan for Gaza", await cached.Content.ReadAsStringAsync());
        Assert.NotNull(cached.Headers.Age);
        // In another language it is another answer, rendered afresh.
        Assert.Contains("Renamed behind the cache", await visitor.GetStringAsync($"/plans/{plan}?lang=ar"));
        // Signed in, never from the cache.
        using var analyst = await FormSignIn.ClientAsync(app, Role.Analyst);
        Assert.Contains("Renamed behind the cache", await analyst.GetStringAsync($"/plans/{plan}"));

        // A status change appends a leaf: the next visitor's answers are new, pages and open data alike.
        using var coordinator = app.Client(Role.Coordinator);
        var id = await app.ProvisionIdAsync(plan, "P2-WATER");
        Assert.True((await coordinator.PostAsync($"/api/v1/provisions/{id}/status", new StringContent(
            "{\"status\":1,\"evidence\":\"Contract signed (simulated)\"}", Encoding.UTF8, "application/json"))).IsSuccessStatusCode);
        var fresh = await visitor.GetAsync($"/plans/{plan}");
        Assert.Contains("Renamed behind the cache", await fresh.Content.ReadAsStringAsync());
        Assert.Null(fresh.Headers.Age);
        var newCsv = await visitor.GetStringAsync("/api/v1/open/provision-status.csv");
        Assert.NotEqual(csv, newCsv);
        Assert.Contains("Contract signed (simulated)", newCsv);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task TheCheckpointIsCachedUntilAWitnessCosignsOrANewOneIsSignedAndRevalidatesByItsTag(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        var plan = await app.ImportGazaPlanAsync();
        using var admin = app.Client(Role.Administrator);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/v1/log/checkpoints", null)).StatusCode);
        await app.WaitForPublicCacheToSettleAsync();
        using var visitor = app.Client();
        var first = await visitor.GetAsync("/api/v1/log/checkpoint");
        var note = await first.Content.ReadAsStringAsync();
        var tag = first.Headers.ETag!;
        var again = await visitor.GetAsync("/api/v1/log/checkpoint");
        Assert.NotNull(again.Headers.Age); // from memory
        Assert.Equal(note, await again.Content.ReadAsStringAsync());
        using (var conditional = new HttpRequestMessage(HttpMethod.Get, "/api/v1/log/checkpoint"))
        {
            conditional.Headers.IfNoneMatch.Add(tag);
            Assert.Equal(HttpStatusCode.NotModified, (await visitor.SendAsync(conditional)).StatusCode);
        }

        // A witness's cosignature is on the next answer at once.
        var keyFile = Path.Combine(Path.GetTempPath(), $"witness-{Guid.NewGuid():N}.key");
        string[] witness = ["witness", "--log", app.Address.ToString(), "--log-key", TestApp.LogSigner.Verifier.ToString(), "--key-file", keyFile];
        var vkey = (await Executable.RunAsync([.. witness, "--name", "mediator.test/witness"])).Output.Trim().Split('\n')[^1].Trim();
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsync("/api/v1/log/witnesses", new StringContent(
            System.Text.Json.JsonSerializer.Serialize(new { vkey, organisation = "Mediator (simulated)" }), Encoding.UTF8, "application/json"))).StatusCode);
        Assert.Equal(0, (await Executable.RunAsync(witness)).ExitCode);
        var cosigned = await visitor.GetAsync("/api/v1/log/checkpoint");
        Assert.Contains("\n— mediator.test/witness ", await cosigned.Content.ReadAsStringAsync());
        Assert.NotEqual(tag, cosigned.Headers.ETag);

        // A new leaf and a new checkpoint: the next answer is the new tree.
        var id = await app.ProvisionIdAsync(plan, "P2-WATER");
        Assert.True((await app.Client(Role.Coordinator).PostAsync($"/api/v1/provisions/{id}/status", new StringContent(
            "{\"status\":1,\"evidence\":\"Contract signed (simulated)\"}", Encoding.UTF8, "application/json"))).IsSuccessStatusCode);
        var signed = await (await admin.PostAsync("/api/v1/log/checkpoints", null)).Content.ReadAsStringAsync();
        Assert.Equal(signed, await visitor.GetStringAsync("/api/v1/log/checkpoint"));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ALeafAppendedByAnotherProcessIsSeenWithinSeconds(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        var plan = await app.ImportGazaPlanAsync(withHistory: false);
        using var visitor = app.Client();
        Assert.Contains("Comprehensive Plan for Gaza", await visitor.GetStringAsync($"/plans/{plan}"));
        await using (var ctx = app.OpenDb())
        {
            await ctx.Database.ExecuteSqlRawAsync("UPDATE agreements SET title = 'Renamed by the console' WHERE code = {0}", plan);
            // A change recorded before the log existed, so there is something for the console to publish.
            await Truceline.Web.Tests.Transparency.LogTests.RecordUnpublishedChangeAsync(ctx, "P2-TRADE");
        }
        // The console publishes what was made before the log existed: another process, so only the poll sees it.
        var keyFile = Path.Combine(Path.GetTempPath(), $"log-{Guid.NewGuid():N}.key");
        await File.WriteAllTextAsync(keyFile, TestApp.LogSigner.ToSignerKey());
        var published = await Executable.RunAsync(new Dictionary<string, string> { ["TRUCELINE_LOG_KEY_FILE"] = keyFile }, "log", "publish-existing", "--db", app.Database.ConnectionString);
        Assert.Contains("Published 1 record(s)", published.Output);
        Assert.True(published.ExitCode == 0, published.All);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string page;
        do
        {
            await Task.Delay(200);
            page = await visitor.GetStringAsync($"/plans/{plan}");
        }
        while (!page.Contains("Renamed by the console", StringComparison.Ordinal) && DateTime.UtcNow < deadline);
        Assert.Contains("Renamed by the console", page);
    }
}
