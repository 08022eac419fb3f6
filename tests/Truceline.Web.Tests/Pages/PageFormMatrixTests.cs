using System.Net;
using System.Net.Http.Json;
using Truceline.Access;
using Truceline.Web.Access;
using Truceline.Web.Plans;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Pages;

public sealed class PageFormMatrixTests(Apps apps)
{
    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task EveryFormOnTheProvisionPageAnswersEachRoleAsThePermissionTableSays(string db)
    {
        var app = await apps.Get(db);
        var plan = await app.ImportGazaPlanAsync();
        var id = await app.ProvisionIdAsync(plan, "P1-AID");
        using var admin = app.Client(Role.Administrator);
        var metric = (await admin.GetFromJsonAsync<ProvisionDetail>($"/api/v1/provisions/{id}", Json.Options))!.Metrics[0];
        var forms = new (string Handler, Permission Permission, Dictionary<string, string> Fields)[]
        {
            ("Status", Permission.EditPlans, new() { ["status"] = "1", ["evidence"] = "matrix" }),
            ("Deadline", Permission.EditPlans, new() { ["deadline"] = "2031-01-01", ["reason"] = "matrix" }),
            ("Dependency", Permission.EditPlans, new() { ["prerequisite"] = "P1-CMCC", ["requiredStatus"] = "1" }),
            ("Observation", Permission.RecordObservations, new() { ["metricId"] = metric.Id.ToString(), ["observedOn"] = "2026-11-01", ["value"] = "1", ["source"] = "matrix" }),
            ("Verify", Permission.VerifyObservations, new() { ["observationId"] = metric.Observations[0].Id.ToString(), ["verification"] = "Disputed" }),
        };
        var failures = new List<string>();
        foreach (var role in Enum.GetValues<Role>())
        {
            using var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = app.Address };
            Assert.Equal(HttpStatusCode.Redirect, (await FormSignIn.PostAsync(client, TestApp.Email(role), TestApp.Password)).StatusCode);
            var page = await client.GetStringAsync($"/provisions/{id}");
            foreach (var (handler, permission, fields) in forms)
            {
                var allowed = Permissions.RolesFor(permission).Contains(role);
                // The page offers a form only to those who may use it…
                if (allowed != page.Contains($"handler={handler}", StringComparison.Ordinal))
                {
                    failures.Add($"{role} {handler}: form {(allowed ? "missing" : "shown")}");
                }
                // …and refuses a hand-made post from anyone else.
                var body = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = FormSignIn.Antiforgery(page) };
                using var response = await client.PostAsync($"/provisions/{id}?handler={handler}", new FormUrlEncodedContent(body));
                var denied = response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString.Contains("/account/denied", StringComparison.Ordinal);
                if (denied == allowed || (int)response.StatusCode >= 500)
                {
                    failures.Add($"{role} {handler}: {(int)response.StatusCode} {response.Headers.Location}");
                }
            }
        }
        Assert.Empty(failures);
    }
}
