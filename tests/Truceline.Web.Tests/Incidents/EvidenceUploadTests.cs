using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Truceline.Access;
using Truceline.Web.Incidents;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Incidents;

/// <summary>Files added to a report outside OpenRosa: over the API and with the report page's form.</summary>
public sealed class EvidenceUploadTests(Apps apps)
{
    private static async Task<Guid> ReportAsync(TestApp app, HttpClient client)
    {
        await app.EnsureGovernoratesAsync();
        var json = $$"""
            {"clientId":"ev-{{Guid.NewGuid():N}}","sourceType":"monitorPatrol","source":"patrol (simulated)","occurredOn":"2026-11-20","latitude":31.3462,
             "longitude":34.3063,"geoPrecision":1,"eventType":"Explosions/Remote violence","description":"Crater seen (simulated)"}
            """;
        var response = await client.PostAsync("/api/v1/reports", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ReportView>(Json.Options))!.Id;
    }

    private static MultipartFormDataContent Files(params (string Name, byte[] Bytes, string Type)[] files) => Files("file", files);

    /// <param name="part">The form field's name: any for the API, "files" for the page's form.</param>
    private static MultipartFormDataContent Files(string part, params (string Name, byte[] Bytes, string Type)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, bytes, type) in files)
        {
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue(type);
            form.Add(content, part, name);
        }
        return form;
    }

    private static async Task<List<EvidenceView>> ListAsync(HttpClient client, Guid report) =>
        (await client.GetFromJsonAsync<List<EvidenceView>>($"/api/v1/reports/{report}/evidence", Json.Options))!;

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task TheSubmitterAddsFilesWhoseHashIsRecordedARetryStoresNothingTwiceAndOthersMayNot(string db)
    {
        var app = await apps.Get(db);
        using var monitor = app.Client(Role.Monitor);
        var report = await ReportAsync(app, monitor);
        var photo = RandomNumberGenerator.GetBytes(300_000);
        var note = Encoding.UTF8.GetBytes("Crater 3 m across, north side of the road (simulated).");

        var added = await monitor.PostAsync($"/api/v1/reports/{report}/evidence", Files(("crater.jpg", photo, "image/jpeg"), ("note.txt", note, "text/plain")));
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var files = (await added.Content.ReadFromJsonAsync<List<EvidenceView>>(Json.Options))!;
        Assert.Equal([("crater.jpg", Convert.ToHexStringLower(SHA256.HashData(photo)), 300_000L), ("note.txt", Convert.ToHexStringLower(SHA256.HashData(note)), note.LongLength)],
            files.Select(f => (f.FileName, f.Sha256, f.Size)));
        var download = await monitor.GetAsync($"/api/v1/evidence/{files[0].Id}");
        Assert.Equal(photo, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal($"sha-256={Convert.ToBase64String(SHA256.HashData(photo))}", download.Headers.GetValues("Digest").Single());

        // Sent again (a retry after a lost answer): 200, nothing stored twice.
        var again = await monitor.PostAsync($"/api/v1/reports/{report}/evidence", Files(("crater.jpg", photo, "image/jpeg")));
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(2, (await ListAsync(monitor, report)).Count);
        // The same name with other bytes would make the recorded hash a lie: refused, nothing stored.
        var other = await ProblemAssert.IsProblem(await monitor.PostAsync($"/api/v1/reports/{report}/evidence",
            Files(("new.txt", note, "text/plain"), ("crater.jpg", RandomNumberGenerator.GetBytes(10), "image/jpeg"))), HttpStatusCode.Conflict);
        Assert.Contains("A different file named crater.jpg was already received", other.Detail());
        Assert.Equal(2, (await ListAsync(monitor, report)).Count);

        // Another role of the same organisation that did not submit it may not add to it; a verifier may; a donor may not submit at all.
        using var agency = app.Client(Role.Agency);
        var notTheirs = await ProblemAssert.IsProblem(await agency.PostAsync($"/api/v1/reports/{report}/evidence", Files(("x.txt", note, "text/plain"))), HttpStatusCode.Forbidden);
        Assert.Contains("Only the report's submitter", notTheirs.Detail());
        await ProblemAssert.IsProblem(await app.Client(Role.Donor).PostAsync($"/api/v1/reports/{report}/evidence", Files(("x.txt", note, "text/plain"))), HttpStatusCode.Forbidden);
        using var verifier = app.Client(Role.Verifier);
        Assert.Equal(HttpStatusCode.Created, (await verifier.PostAsync($"/api/v1/reports/{report}/evidence", Files(("site-visit.pdf", "%PDF-1.4 (simulated)"u8.ToArray(), "application/pdf")))).StatusCode);
        Assert.Equal(3, (await ListAsync(monitor, report)).Count);
        // A report the uploader cannot see is not found, whatever the role.
        using var outsider = await app.ClientOfNewOrganisationAsync(Role.Verifier, "Outside verifiers (simulated)");
        await using (var ctx = app.OpenDb())
        {
            var row = await ctx.Reports.FindAsync(report);
            row!.Classification = Classification.Confidential;
            await ctx.SaveChangesAsync();
        }
        await ProblemAssert.IsProblem(await outsider.PostAsync($"/api/v1/reports/{report}/evidence", Files(("x.txt", note, "text/plain"))), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await monitor.PostAsync($"/api/v1/reports/{Guid.NewGuid()}/evidence", Files(("x.txt", note, "text/plain"))), HttpStatusCode.NotFound);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task HostileUploadsAreRefusedWithAProblemAndNothingIsStored(string db)
    {
        var app = await apps.Get(db);
        using var monitor = app.Client(Role.Monitor);
        var report = await ReportAsync(app, monitor);
        var url = $"/api/v1/reports/{report}/evidence";
        var small = Encoding.UTF8.GetBytes("x");

        await ProblemAssert.IsProblem(await monitor.PostAsync(url, new StringContent("{\"file\":\"x\"}", Encoding.UTF8, "application/json")), HttpStatusCode.UnsupportedMediaType);
        var none = new MultipartFormDataContent { { new StringContent("just a field"), "comment" } };
        Assert.NotEmpty((await ProblemAssert.IsProblem(await monitor.PostAsync(url, none), HttpStatusCode.UnprocessableEntity)).FieldErrors("file"));
        Assert.NotEmpty((await ProblemAssert.IsProblem(await monitor.PostAsync(url, Files(("empty.txt", [], "text/plain"))), HttpStatusCode.UnprocessableEntity)).FieldErrors("empty.txt"));
        Assert.NotEmpty((await ProblemAssert.IsProblem(await monitor.PostAsync(url, Files(("../", small, "text/plain"))), HttpStatusCode.UnprocessableEntity)).FieldErrors("file"));
        var many = await ProblemAssert.IsProblem(await monitor.PostAsync(url, Files(Enumerable.Range(0, 11).Select(i => ($"f{i}.txt", small, "text/plain")).ToArray())), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("At most 10 attachments", many.Detail());
        var big = await ProblemAssert.IsProblem(await monitor.PostAsync(url, Files(("big.bin", new byte[OpenRosaApi.MaxAttachmentBytes + 1], "application/octet-stream"))), HttpStatusCode.RequestEntityTooLarge);
        Assert.Contains("big.bin is larger", big.Detail());
        var truncated = new ByteArrayContent(Encoding.ASCII.GetBytes("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nabc"));
        truncated.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        await ProblemAssert.IsProblem(await monitor.PostAsync(url, truncated), HttpStatusCode.BadRequest);
        Assert.Empty(await ListAsync(monitor, report));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task TheReportPageTakesFilesWithAPlainFormAndListsThemWithTheirHash(string db)
    {
        var app = await apps.Get(db);
        using var coordinator = await FormSignIn.ClientAsync(app, Role.Coordinator);
        using var monitor = app.Client(Role.Monitor);
        var report = await ReportAsync(app, monitor);
        var html = await coordinator.GetStringAsync($"/reports/{report}");
        Assert.Contains("data-testid=\"evidence-form\"", html);
        var bytes = Encoding.UTF8.GetBytes("Statement taken at the site (simulated).");
        var form = Files("files", ("statement.txt", bytes, "text/plain"));
        form.Add(new StringContent(FormSignIn.Antiforgery(html)), "__RequestVerificationToken");
        var posted = await coordinator.PostAsync($"/reports/{report}?handler=Evidence", form);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var page = await coordinator.GetStringAsync($"/reports/{report}");
        Assert.Contains("1 file stored, with its SHA-256.", page);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(bytes)), page);

        // An empty pick is refused on the page with the reason, as the API would.
        var empty = Files("files", ("void.txt", [], "text/plain"));
        empty.Add(new StringContent(FormSignIn.Antiforgery(page)), "__RequestVerificationToken");
        var refused = await coordinator.PostAsync($"/reports/{report}?handler=Evidence", empty);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("void.txt: is empty", await refused.Content.ReadAsStringAsync());
        var eleven = Files("files", Enumerable.Range(0, 11).Select(i => ($"f{i}.txt", bytes, "text/plain")).ToArray());
        eleven.Add(new StringContent(FormSignIn.Antiforgery(page)), "__RequestVerificationToken");
        var tooMany = await coordinator.PostAsync($"/reports/{report}?handler=Evidence", eleven);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMany.StatusCode);
        Assert.Contains("files: at most 10 files at a time", await tooMany.Content.ReadAsStringAsync());
        Assert.Single(await ListAsync(app.Client(Role.Coordinator), report));
    }
}
