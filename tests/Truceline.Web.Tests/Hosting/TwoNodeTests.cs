using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Truceline.Access;
using Truceline.Data;
using Truceline.Web.Access;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Hosting;

public sealed class TwoNodeTests
{
    private static async Task<(WebApplication App, Uri Address)> StartNodeAsync(DatabaseTarget database)
    {
        var app = TrucelineApp.Build(new ServeOptions(database, "http://127.0.0.1:0", false, TimeProvider.System, AppContext.BaseDirectory));
        await app.StartAsync();
        return (app, new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()));
    }

    [Fact]
    public async Task ASecondNodeOnTheSameDatabaseAcceptsTheFirstNodesSignIn()
    {
        var database = Databases.Fresh("postgres");
        await Migrator.MigrateAsync(database);
        await using (var db = database.CreateContext(TimeProvider.System))
        {
            db.Viewer = Viewer.System("test");
            Assert.True((await Accounts.AddUserAsync(db, new Accounts.NewUser("node@test.example", null, "coordinator", "Org", TestApp.Password), TimeProvider.System)).Succeeded);
        }
        var (first, firstAddress) = await StartNodeAsync(database);
        var (second, secondAddress) = await StartNodeAsync(database);
        try
        {
            var cookies = new CookieContainer();
            using var a = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = firstAddress };
            var signIn = await FormSignIn.PostAsync(a, "node@test.example", TestApp.Password);
            Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

            // The same cookie, presented to the other node.
            var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
            foreach (Cookie c in cookies.GetCookies(firstAddress))
            {
                handler.CookieContainer.Add(secondAddress, new Cookie(c.Name, c.Value));
            }
            using var b = new HttpClient(handler) { BaseAddress = secondAddress };
            var home = await b.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, home.StatusCode);
            Assert.Contains("node@test.example", await home.Content.ReadAsStringAsync());

            // Both nodes here share one user profile, so prove the key ring is the database's, not the profile's.
            await using var db = database.CreateContext(TimeProvider.System);
            db.Viewer = Viewer.System("test");
            var keys = await db.DataProtectionKeys.ToListAsync();
            Assert.NotEmpty(keys);
            Assert.All(keys, k => Assert.StartsWith("<key id=", k.Xml));
        }
        finally
        {
            await first.StopAsync();
            await second.StopAsync();
        }
    }
}
