using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Truceline.Access;
using Truceline.Web.Access;
using Truceline.Web.Aid;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Aid;

/// <summary>Each dashboard figure leads to the records behind it; distributions and impediments have forms of their own.</summary>
public sealed class AidRecordsTests
{
    private static StringContent Body(object value) => new(JsonSerializer.Serialize(value), Encoding.UTF8, "application/json");

    private static Task<HttpClient> SignedInAsync(TestApp app, Role role) => FormSignIn.ClientAsync(app, role);

    private static Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, Dictionary<string, string> fields) =>
        FormSignIn.PostFormAsync(client, path, null, fields);

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AFigureLeadsToItsDailyRecordsAndOnToTheConsignmentsThatMadeIt(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        await app.EnsureCrossingsAsync();
        using var agency = app.Client(Role.Agency);
        // Two consignments offloaded at Kerem Shalom on the 20th (12 trucks each); one cleared only.
        var offloaded = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var c = await ConsignmentTests.RegisterAsync(agency, $"REC-{i}", "2026-11-19T06:00:00Z");
            Assert.Equal(HttpStatusCode.Created, (await ConsignmentTests.MoveAsync(agency, c.Id, "cleared", "2026-11-19T10:00:00Z")).StatusCode);
            if (i < 2)
            {
                Assert.Equal(HttpStatusCode.Created, (await ConsignmentTests.MoveAsync(agency, c.Id, "arrived-at-crossing", "2026-11-20T06:00:00Z")).StatusCode);
                Assert.Equal(HttpStatusCode.Created, (await ConsignmentTests.MoveAsync(agency, c.Id, "offloaded", "2026-11-20T08:00:00Z")).StatusCode);
                offloaded.Add(c.Id);
            }
        }

        // The public dashboard links the crossing's figure to its daily records, which anyone may read.
        using var anonymous = app.Client();
        var dashboard = WebUtility.HtmlDecode(await anonymous.GetStringAsync("/aid?from=2026-11-14&to=2026-11-21"));
        Assert.Contains("href=\"/aid/daily?stage=offloaded&from=2026-11-14&to=2026-11-21&crossing=Kerem%20Shalom\"", dashboard);
        Assert.Contains("id=\"aid-map-data\"", dashboard);
        var daily = await anonymous.GetAsync("/aid/daily?stage=offloaded&from=2026-11-14&to=2026-11-21&crossing=Kerem%20Shalom");
        Assert.Equal(HttpStatusCode.OK, daily.StatusCode);
        var html = await daily.Content.ReadAsStringAsync();
        Assert.Contains("<td>2026-11-20</td><td>Kerem Shalom</td>", html);
        Assert.Contains("data-testid=\"aid-daily-trucks\">24</th>", html);
        Assert.DoesNotContain("/aid/consignments?", html); // the public sees the aggregates, never the consignments

        // Signed in, the row leads on to the consignments that reached the stage that day, and only those.
        using var signedIn = await SignedInAsync(app, Role.Agency);
        var linked = WebUtility.HtmlDecode(await signedIn.GetStringAsync("/aid/daily?stage=offloaded&from=2026-11-14&to=2026-11-21&crossing=Kerem%20Shalom"));
        const string link = "/aid/consignments?reached=offloaded&crossing=Kerem%20Shalom&category=mixed&from=2026-11-20&to=2026-11-20";
        Assert.Contains(link, linked);
        var list = await signedIn.GetStringAsync(link);
        Assert.Contains("REC-0", list);
        Assert.Contains("REC-1", list);
        Assert.DoesNotContain("REC-2", list);
        var api = (await agency.GetFromJsonAsync<ConsignmentPage>("/api/v1/consignments?reached=offloaded&from=2026-11-20&to=2026-11-20", Json.Options))!;
        Assert.Equal(offloaded.OrderBy(i => i), api.Items.Select(c => c.Id).OrderBy(i => i));
        var none = (await agency.GetFromJsonAsync<ConsignmentPage>("/api/v1/consignments?reached=offloaded&from=2026-11-21&to=2026-11-21", Json.Options))!;
        Assert.Empty(none.Items);
        var bad = await ProblemAssert.IsProblem(await agency.GetAsync("/api/v1/consignments?reached=teleported"), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("'teleported' is not a stage", bad.FieldErrors("reached").Single());
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task DistributionsAndImpedimentsAreRecordedFromPlainFormsByThoseAllowedTo(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        await app.EnsureCrossingsAsync();
        using var agency = await SignedInAsync(app, Role.Agency);
        var recorded = await PostFormAsync(agency, "/aid/distributions", new()
        {
            ["day"] = "2026-11-20", ["governorate"] = "PS0255", ["category"] = "food", ["quantity"] = "2000", ["unit"] = "food parcels",
            ["tonnes"] = "40", ["peopleReached"] = "10000",
        });
        Assert.Equal(HttpStatusCode.Redirect, recorded.StatusCode);
        var list = System.Text.RegularExpressions.Regex.Replace(await agency.GetStringAsync(recorded.Headers.Location!.ToString()), @">\s+<", "><");
        Assert.Contains("Recorded.", list);
        Assert.Contains("<td>2026-11-20</td><td>North Gaza</td><td>food</td><td>2,000 food parcels</td><td>40</td><td>10,000</td>", list);
        // The dashboard's governorate figure counts it, and links to it.
        var dashboard = WebUtility.HtmlDecode(await agency.GetStringAsync("/aid?from=2026-11-14&to=2026-11-21"));
        Assert.Contains("href=\"/aid/distributions?governorate=PS0255&from=2026-11-14&to=2026-11-21\">North Gaza</a>", dashboard);

        var refused = await PostFormAsync(agency, "/aid/distributions", new()
        {
            ["day"] = "2026-12-25", ["governorate"] = "PS0255", ["category"] = "food", ["quantity"] = "-1", ["unit"] = "", ["peopleReached"] = "10",
        });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var errors = await refused.Content.ReadAsStringAsync();
        Assert.Contains("day: is in the future", errors);
        Assert.Contains("quantity: is required: more than 0", errors);
        await using (var ctx = app.OpenDb())
        {
            Assert.Equal(1, ctx.Distributions.Count());
        }

        // Each role is offered the forms it may use, and a hand-made post from any other is refused.
        var forms = new (string Path, string Form, Permission Permission, Dictionary<string, string> Fields)[]
        {
            ("/aid/distributions", "distribution-form", Permission.RegisterConsignments, new()
                { ["day"] = "2026-11-19", ["governorate"] = "PS0260", ["category"] = "water", ["quantity"] = "1", ["unit"] = "litres", ["peopleReached"] = "1" }),
            ("/aid/impediments", "impediment-form", Permission.RecordImpediments, new()
                { ["day"] = "2026-11-20", ["kind"] = "delayed", ["reason"] = "administrative", ["crossing"] = "Kerem Shalom", ["description"] = "Held six hours for a second inspection" }),
        };
        var failures = new List<string>();
        foreach (var role in Enum.GetValues<Role>())
        {
            using var client = await SignedInAsync(app, role);
            foreach (var (path, form, permission, fields) in forms)
            {
                var allowed = Permissions.RolesFor(permission).Contains(role);
                var page = await client.GetStringAsync(path);
                if (allowed != page.Contains($"data-testid=\"{form}\"", StringComparison.Ordinal))
                {
                    failures.Add($"{role} {path}: form {(allowed ? "missing" : "shown")}");
                }
                using var response = await PostFormAsync(client, path, new Dictionary<string, string>(fields));
                var denied = response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString.Contains("/account/denied", StringComparison.Ordinal);
                if (denied == allowed || (int)response.StatusCode >= 400)
                {
                    failures.Add($"{role} {path}: {(int)response.StatusCode} {response.Headers.Location}");
                }
            }
        }
        Assert.Empty(failures);
        using var monitor = await SignedInAsync(app, Role.Monitor);
        Assert.Contains("Held six hours for a second inspection", await monitor.GetStringAsync("/aid/impediments?kind=delayed"));
        await using (var ctx = app.OpenDb())
        {
            var allowedToRecord = Enum.GetValues<Role>().Count(r => Permissions.RolesFor(Permission.RecordImpediments).Contains(r));
            Assert.Equal(allowedToRecord, ctx.Impediments.Count());
        }
        // The impediment is counted on the public dashboard, by kind and reason.
        var figures = (await app.Client().GetFromJsonAsync<AidFiguresView>("/api/v1/aid/figures?from=2026-11-14&to=2026-11-21", Json.Options))!;
        Assert.Equal(Permissions.RolesFor(Permission.RecordImpediments).Count, figures.Impediments.Single(i => i is { Kind: "delayed", Reason: "administrative" }).Count);
    }
}
