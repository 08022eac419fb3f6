using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Web.Incidents;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Incidents;

public sealed class SmsTests(Apps apps)
{
    /// <summary>A gateway that can send only HTTP Basic credentials: the password is the token.</summary>
    private static HttpClient Gateway(TestApp app)
    {
        var client = new HttpClient { BaseAddress = app.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"sms-gateway:{app.Token(Role.Monitor)}")));
        return client;
    }

    private static FormUrlEncodedContent Form(params (string, string)[] fields) => new(fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)));

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ACoordinatorStructuresAnSmsFromItsPageWithoutJavaScript(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        using var gateway = Gateway(app);
        var sid = $"SM{Guid.NewGuid():N}";
        const string text = "إطلاق نار قرب خان يونس"; // "gunfire near Khan Younis"
        var answer = (await (await gateway.PostAsync("/api/v1/sms/inbound", Form(("From", "+970599000222"), ("Body", text), ("MessageSid", sid))))
            .Content.ReadFromJsonAsync<ReportsApi.SmsAnswer>(Json.Options))!;
        var page = $"/reports/{answer.Id}";

        Task<HttpResponseMessage> PostAsync(HttpClient client, params (string, string)[] fields) =>
            FormSignIn.PostFormAsync(client, page, "Structure", fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2)));

        // A verifier reads the report but is not offered the form, and a hand-made post is refused.
        using var verifier = await FormSignIn.ClientAsync(app, Role.Verifier);
        Assert.DoesNotContain("data-testid=\"structure-form\"", await verifier.GetStringAsync(page));
        Assert.Equal("/account/denied", (await PostAsync(verifier, ("occurredOn", "2026-11-20"))).Headers.Location!.AbsolutePath);

        using var coordinator = await FormSignIn.ClientAsync(app, Role.Coordinator);
        var form = await coordinator.GetStringAsync(page);
        Assert.Contains("data-testid=\"structure-form\"", form);
        Assert.Contains(text, WebUtility.HtmlDecode(form)); // the message as it came, beside the form
        var outside = await PostAsync(coordinator, ("occurredOn", "2026-11-20"), ("latitude", "31.50"), ("longitude", "34.20"), ("geoPrecision", "2"), ("eventType", "Gunfire"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, outside.StatusCode);
        Assert.Contains("latitude: the location is", await outside.Content.ReadAsStringAsync());

        var done = await PostAsync(coordinator, ("occurredOn", "2026-11-20"), ("latitude", "31.3462"), ("longitude", "34.3063"), ("geoPrecision", "2"),
            ("placeName", "near Khan Younis"), ("eventType", "Gunfire"), ("allegedParties", "israel"));
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        var after = await coordinator.GetStringAsync(page);
        Assert.Contains("The report is structured", after);
        Assert.DoesNotContain("data-testid=\"structure-form\"", after);
        await using var ctx = app.OpenDb();
        var stored = await ctx.Reports.SingleAsync(r => r.ClientId == sid);
        Assert.Equal((true, "Gunfire", "PS0270", text), (stored.Structured, stored.EventType, stored.GovernorateCode, stored.RawText));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AnSmsIsKeptAsSentOnceAndStructuredByACoordinator(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        using var gateway = Gateway(app);
        var sid = $"SM{Guid.NewGuid():N}";
        var phone = $"+97059{Random.Shared.Next(1000000, 9999999)}";
        const string text = "قصف مدفعي شرق خان يونس الساعة ٦ صباحا"; // "artillery shelling east of Khan Younis at 6 am"
        // Twilio's field names; then the same message redelivered.
        var first = await gateway.PostAsync("/api/v1/sms/inbound", Form(("From", phone), ("Body", text), ("MessageSid", sid)));
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var answer = (await first.Content.ReadFromJsonAsync<ReportsApi.SmsAnswer>(Json.Options))!;
        Assert.False(answer.Duplicate);
        var again = (await (await gateway.PostAsync("/api/v1/sms/inbound", Form(("From", phone), ("Body", text), ("MessageSid", sid)))).Content.ReadFromJsonAsync<ReportsApi.SmsAnswer>(Json.Options))!;
        Assert.Equal((answer.Id, true), (again.Id, again.Duplicate));

        await using (var ctx = app.OpenDb())
        {
            var stored = await ctx.Reports.SingleAsync(r => r.ClientId == sid);
            Assert.Equal((text, false), (stored.RawText, stored.Structured));
            Assert.DoesNotContain(phone, stored.SourceIdentity);
        }

        using var coordinator = app.Client(Role.Coordinator);
        var raw = (await coordinator.GetFromJsonAsync<ReportView>($"/api/v1/reports/{answer.Id}", Json.Options))!;
        Assert.Equal((phone, "sms", "civilian"), (raw.SourceIdentity, raw.Channel, raw.SourceType));
        var structure = new StringContent("""
            {"occurredOn":"2026-11-20","occurredTime":"06:00:00","latitude":31.3462,"longitude":34.3063,"geoPrecision":2,"placeName":"east of Khan Younis",
             "eventType":"Explosions/Remote violence","subEventType":"Shelling/artillery/missile attack","allegedParties":["israel"]}
            """, Encoding.UTF8, "application/json");
        using var monitor = app.Client(Role.Monitor);
        await ProblemAssert.IsProblem(await monitor.PutAsync($"/api/v1/reports/{answer.Id}/structure", structure), HttpStatusCode.Forbidden);
        var structured = await coordinator.PutAsync($"/api/v1/reports/{answer.Id}/structure", structure);
        Assert.Equal(HttpStatusCode.OK, structured.StatusCode);
        var view = (await structured.Content.ReadFromJsonAsync<ReportView>(Json.Options))!;
        Assert.Equal((true, "PS0270", text), (view.Structured, view.Governorate, view.RawText));
        var twice = await ProblemAssert.IsProblem(await coordinator.PutAsync($"/api/v1/reports/{answer.Id}/structure", structure), HttpStatusCode.Conflict);
        Assert.Contains("already structured", twice.Detail());
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task OtherGatewaysFieldNamesAreUnderstood(string db)
    {
        var app = await apps.Get(db);
        using var gateway = Gateway(app);
        var id = $"vonage-{Guid.NewGuid():N}";
        var response = await gateway.PostAsync("/api/v1/sms/inbound", Form(("msisdn", "970599000111"), ("text", "gunfire near Rafah"), ("messageId", id), ("message-timestamp", "2026-11-20 05:10:00")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var ctx = app.OpenDb();
        var stored = await ctx.Reports.SingleAsync(r => r.ClientId == id);
        Assert.Equal((new DateOnly(2026, 11, 20), "gunfire near Rafah"), (stored.OccurredOn, stored.RawText));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ABadMessageIsRefusedAndNothingIsStored(string db)
    {
        var app = await apps.Get(db);
        using var gateway = Gateway(app);
        var missing = await ProblemAssert.IsProblem(await gateway.PostAsync("/api/v1/sms/inbound", Form(("To", "+1555"))), HttpStatusCode.UnprocessableEntity);
        Assert.NotEmpty(missing.FieldErrors("from"));
        Assert.NotEmpty(missing.FieldErrors("body"));
        Assert.NotEmpty(missing.FieldErrors("message_id"));

        var id = $"bad-{Guid.NewGuid():N}";
        var broken = await gateway.PostAsync("/api/v1/sms/inbound", new StringContent($"from=%2B97059&body=%C3%28abc&message_id={id}", Encoding.ASCII, "application/x-www-form-urlencoded"));
        Assert.Contains("broken encoding", (await ProblemAssert.IsProblem(broken, HttpStatusCode.UnprocessableEntity)).Detail());
        var huge = await gateway.PostAsync("/api/v1/sms/inbound", Form(("from", "+97059"), ("body", new string('x', 5000)), ("message_id", id)));
        Assert.Contains("at most 1600", (await ProblemAssert.IsProblem(huge, HttpStatusCode.UnprocessableEntity)).Detail());
        var json = await gateway.PostAsync("/api/v1/sms/inbound", new StringContent("{\"from\":\"x\"}", Encoding.UTF8, "application/json"));
        await ProblemAssert.IsProblem(json, HttpStatusCode.UnsupportedMediaType);
        using var wrong = new HttpClient { BaseAddress = app.Address };
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("sms-gateway:guess")));
        var unknown = await ProblemAssert.IsProblem(await wrong.PostAsync("/api/v1/sms/inbound", Form(("from", "1"), ("body", "x"), ("message_id", id))), HttpStatusCode.Unauthorized);
        Assert.Equal("The bearer token is not known.", unknown.Detail());

        await using var ctx = app.OpenDb();
        Assert.False(await ctx.Reports.AnyAsync(r => r.ClientId == id));
    }
}
