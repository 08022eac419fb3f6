using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Incidents;
using Truceline.Web.Incidents;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Incidents;

public sealed class OpenRosaTests(Apps apps)
{
    private const string Submission = "/api/v1/openrosa/submission";

    private static readonly XNamespace XForms = "http://www.w3.org/2002/xforms";
    private static readonly XNamespace Xhtml = "http://www.w3.org/1999/xhtml";
    private static readonly XNamespace JavaRosa = "http://openrosa.org/javarosa";
    private static readonly XNamespace FormListNs = "http://openrosa.org/xforms/xformsList";

    /// <summary>ODK Collect: HTTP Basic with the token as password, and the protocol's version header.</summary>
    private static HttpClient Collect(TestApp app, Role role = Role.Monitor)
    {
        var client = new HttpClient { BaseAddress = app.Address };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"collect:{app.Token(role)}")));
        client.DefaultRequestHeaders.Add("X-OpenRosa-Version", "1.0");
        return client;
    }

    private static string NewInstanceId() => $"uuid:{Guid.NewGuid()}";

    /// <summary>An instance as Collect serialises the incident form (08:40 at +02:00 is 06:40 UTC).</summary>
    private static string Instance(string instanceId, string identity = "Samira (simulated), +970599000000", string location = "31.3462 34.3063 12.0 4.8",
        string photo = "1763700000001.jpg", string formId = "truceline-incident", string description = "Shelling heard east of the town (simulated)") =>
        $"""<?xml version='1.0' ?><data id="{formId}" version="2026.1" xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms"><source_type>civilian</source_type><source_identity>{identity}</source_identity><source>phone call to the field team</source><occurred>2026-11-20</occurred><occurred_time>08:40:00.000+02:00</occurred_time><location>{location}</location><geo_precision>2</geo_precision><place_name>east of Khan Younis</place_name><event_type>explosions</event_type><sub_event_type>Shelling/artillery/missile attack</sub_event_type><description>{description}</description><alleged_parties>israel</alleged_parties><fatalities>0</fatalities><photo>{photo}</photo><meta><instanceID>{instanceId}</instanceID></meta></data>""";

    /// <summary>A small real JPEG (1×1, grey) with a comment that makes its bytes unique.</summary>
    private static byte[] Jpeg(string comment)
    {
        var image = Convert.FromBase64String("/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP//////////////////////////////////////////////////////////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQABPxA=");
        var text = Encoding.ASCII.GetBytes(comment);
        byte[] com = [0xFF, 0xFE, (byte)((text.Length + 2) >> 8), (byte)(text.Length + 2), .. text];
        return [.. image[..2], .. com, .. image[2..], 0xFF, 0xD9];
    }

    private static ByteArrayContent Part(byte[] bytes, string mediaType, string name, string fileName)
    {
        // Collect (OkHttp) quotes the name and the file name.
        var part = new ByteArrayContent(bytes);
        part.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        part.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = $"\"{name}\"", FileName = $"\"{fileName}\"" };
        return part;
    }

    /// <summary>A post as Collect builds it: the instance in xml_submission_file, then each file as a part named by its file name.</summary>
    private static MultipartFormDataContent Post(byte[] xml, params (string FileName, byte[] Bytes)[] files)
    {
        var content = new MultipartFormDataContent($"----collect{Guid.NewGuid():N}")
        {
            Part(xml, "text/xml", OpenRosa.XmlPart, "instance.xml"),
        };
        foreach (var (fileName, bytes) in files)
        {
            content.Add(Part(bytes, "image/jpeg", fileName, fileName));
        }
        return content;
    }

    private static MultipartFormDataContent Post(string xml, params (string FileName, byte[] Bytes)[] files) => Post(Encoding.UTF8.GetBytes(xml), files);

    private static XDocument ParseXml(string text) =>
        XDocument.Load(XmlReader.Create(new StringReader(text), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null }));

    private static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task TheFormListAndTheFormAreWhatODKCollectDownloads(string db)
    {
        var app = await apps.Get(db);
        using var collect = Collect(app);
        var listed = await collect.GetAsync("/api/v1/openrosa/formList");
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Equal("1.0", listed.Headers.GetValues("X-OpenRosa-Version").Single());
        Assert.Equal("text/xml", listed.Content.Headers.ContentType?.MediaType);
        var list = ParseXml(await listed.Content.ReadAsStringAsync());
        Assert.Equal(FormListNs + "xforms", list.Root!.Name);
        var entry = Assert.Single(list.Root.Elements(FormListNs + "xform"));
        Assert.Equal("truceline-incident", entry.Element(FormListNs + "formID")?.Value);
        var version = entry.Element(FormListNs + "version")!.Value;
        var hash = entry.Element(FormListNs + "hash")!.Value;
        var downloadUrl = new Uri(entry.Element(FormListNs + "downloadUrl")!.Value);
        Assert.Equal(new Uri(app.Address, "/api/v1/openrosa/forms/truceline-incident.xml"), downloadUrl);

        var download = await collect.GetAsync(downloadUrl);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("1.0", download.Headers.GetValues("X-OpenRosa-Version").Single());
        var bytes = await download.Content.ReadAsByteArrayAsync();
        // Collect compares this hash with the one it holds to decide whether to download the form again.
        Assert.Equal("md5:" + Convert.ToHexStringLower(MD5.HashData(bytes)), hash);

        var form = ParseXml(Encoding.UTF8.GetString(bytes));
        Assert.Equal(Xhtml + "html", form.Root!.Name);
        var model = form.Root.Element(Xhtml + "head")!.Element(XForms + "model")!;
        var data = model.Element(XForms + "instance")!.Elements().Single();
        Assert.Equal(("truceline-incident", version), ((string?)data.Attribute("id"), (string?)data.Attribute("version")));
        string PathOf(XElement e) => "/" + string.Join("/", e.AncestorsAndSelf().TakeWhile(a => a != data.Parent).Reverse().Select(a => a.Name.LocalName));
        var leaves = data.Descendants().Where(e => !e.HasElements).Select(PathOf).ToList();
        var binds = model.Elements(XForms + "bind").ToDictionary(b => (string)b.Attribute("nodeset")!);
        // Every node is bound with a type, every bind names a node, every question but the metadata is asked in the body.
        Assert.Equal(leaves.Order(), binds.Keys.Order());
        Assert.All(binds.Values, b => Assert.NotNull(b.Attribute("type")));
        var asked = form.Root.Element(Xhtml + "body")!.Elements().Select(c => (string)c.Attribute("ref")!).ToList();
        Assert.Equal(leaves.Where(l => !l.StartsWith("/data/meta/", StringComparison.Ordinal)), asked);
        Assert.Equal("uid", (string?)binds["/data/meta/instanceID"].Attribute(JavaRosa + "preload"));
        Assert.Equal("true()", (string?)binds["/data/meta/instanceID"].Attribute("readonly"));
        Assert.Equal(("geopoint", "date", "time", "int", "binary"), ((string?)binds["/data/location"].Attribute("type"), (string?)binds["/data/occurred"].Attribute("type"),
            (string?)binds["/data/occurred_time"].Attribute("type"), (string?)binds["/data/fatalities"].Attribute("type"), (string?)binds["/data/photo"].Attribute("type")));
        IEnumerable<string> Choices(string field) => form.Root.Element(Xhtml + "body")!.Elements(XForms + "select1")
            .Single(s => (string?)s.Attribute("ref") == field).Elements(XForms + "item").Select(i => i.Element(XForms + "value")!.Value);
        Assert.Equal(["monitorPatrol", "partyLiaison", "civilian", "media", "sensor"], Choices("/data/source_type"));
        Assert.Equal(["1", "2", "3"], Choices("/data/geo_precision"));
        Assert.Equal(OpenRosa.EventTypes.Select(e => e.Value), Choices("/data/event_type"));
        var upload = form.Root.Element(Xhtml + "body")!.Elements(XForms + "upload").Single();
        Assert.Equal(("/data/photo", "image/*"), ((string?)upload.Attribute("ref"), (string?)upload.Attribute("mediatype")));

        // Collect asks for credentials only in answer to a Basic challenge; roles that may not submit are refused.
        using var anonymous = app.Client();
        var challenge = await anonymous.GetAsync("/api/v1/openrosa/formList");
        await ProblemAssert.IsProblem(challenge, HttpStatusCode.Unauthorized);
        Assert.Contains(challenge.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
        Assert.Equal("1.0", challenge.Headers.GetValues("X-OpenRosa-Version").Single());
        using var donor = Collect(app, Role.Donor);
        await ProblemAssert.IsProblem(await donor.GetAsync("/api/v1/openrosa/formList"), HttpStatusCode.Forbidden);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ASubmissionFromCollectIsAPlacedReportWithItsPhotoAndItsSourceKeptConfidential(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        using var collect = Collect(app);
        // Collect's probe before it sends: no body, 204, how much it may send.
        var probe = await collect.SendAsync(new HttpRequestMessage(HttpMethod.Head, Submission));
        Assert.Equal(HttpStatusCode.NoContent, probe.StatusCode);
        Assert.Equal(OpenRosaApi.AcceptContentLength.ToString(CultureInfo.InvariantCulture), probe.Headers.GetValues("X-OpenRosa-Accept-Content-Length").Single());
        Assert.Equal("1.0", probe.Headers.GetValues("X-OpenRosa-Version").Single());
        var empty = await collect.PostAsync(Submission, null);
        Assert.Equal(HttpStatusCode.NoContent, empty.StatusCode);
        Assert.True(empty.Headers.Contains("X-OpenRosa-Accept-Content-Length"));

        var instanceId = NewInstanceId();
        var marker = $"Witness {Guid.NewGuid():N}";
        var photo = Jpeg(instanceId);
        var sent = await collect.PostAsync(Submission, Post(Instance(instanceId, identity: marker), ("1763700000001.jpg", photo)));
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        Assert.Equal("1.0", sent.Headers.GetValues("X-OpenRosa-Version").Single());
        Assert.Equal("text/xml", sent.Content.Headers.ContentType?.MediaType);
        var answer = ParseXml(await sent.Content.ReadAsStringAsync());
        XNamespace response = "http://openrosa.org/http/response";
        var message = answer.Root!.Element(response + "message")!;
        Assert.Equal("submit_success", (string?)message.Attribute("nature"));
        Assert.Contains("placed in PS0270", message.Value);

        Guid reportId;
        await using (var ctx = app.OpenDb())
        {
            var stored = await ctx.Reports.SingleAsync(r => r.Channel == Channel.OpenRosa && r.ClientId == instanceId);
            reportId = stored.Id;
            Assert.Equal(("PS0270", SourceType.Civilian, "Explosions/Remote violence", 2), (stored.GovernorateCode, stored.SourceType, stored.EventType, stored.GeoPrecision));
            Assert.Equal(new DateTime(2026, 11, 20, 6, 40, 0, DateTimeKind.Utc), stored.OccurredAt);
            Assert.Equal(("phone call to the field team", Classification.Restricted), (stored.Source, stored.Classification));
            Assert.StartsWith("pd1:", stored.SourceIdentity);
            Assert.DoesNotContain(marker, stored.SourceIdentity);
            Assert.False(await ctx.AuditEntries.IgnoreQueryFilters().AnyAsync(e => e.Changes.Contains(marker)));
            // The hash recorded at upload is in the audit chain; the bytes are not.
            var evidence = await ctx.Evidence.SingleAsync(e => e.ReportId == reportId);
            Assert.Equal((Sha256Hex(photo), (long)photo.Length, "image/jpeg", "1763700000001.jpg"), (evidence.Sha256, evidence.Size, evidence.ContentType, evidence.FileName));
            Assert.True(await ctx.AuditEntries.IgnoreQueryFilters().AnyAsync(e => e.EntityType == "Evidence" && e.EntityId == evidence.Id.ToString() && e.Changes.Contains(evidence.Sha256)));
        }

        using var coordinator = app.Client(Role.Coordinator);
        var seen = (await coordinator.GetFromJsonAsync<ReportView>($"/api/v1/reports/{reportId}", Json.Options))!;
        Assert.Equal((marker, "openrosa", "civilian"), (seen.SourceIdentity, seen.Channel, seen.SourceType));
        using var liaison = app.Client(Role.PartyLiaison);
        var partySees = await liaison.GetStringAsync($"/api/v1/reports/{reportId}");
        Assert.DoesNotContain(marker, partySees);
        Assert.Null((await liaison.GetFromJsonAsync<ReportView>($"/api/v1/reports/{reportId}", Json.Options))!.SourceIdentity);

        // The file and its hash, to whoever may read the report.
        var files = (await liaison.GetFromJsonAsync<List<EvidenceView>>($"/api/v1/reports/{reportId}/evidence", Json.Options))!;
        var file = Assert.Single(files);
        Assert.Equal((Sha256Hex(photo), (long)photo.Length, "1763700000001.jpg"), (file.Sha256, file.Size, file.FileName));
        var download = await liaison.GetAsync($"/api/v1/evidence/{file.Id}");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(photo, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("sha-256=" + Convert.ToBase64String(SHA256.HashData(photo)), download.Headers.GetValues("Digest").Single());
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        using var donor = app.Client(Role.Donor);
        await ProblemAssert.IsProblem(await donor.GetAsync($"/api/v1/reports/{reportId}/evidence"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblem(await donor.GetAsync($"/api/v1/evidence/{file.Id}"), HttpStatusCode.NotFound);

        // Collect never saw the answer and sends again: accepted, nothing stored twice.
        var again = await collect.PostAsync(Submission, Post(Instance(instanceId, identity: marker), ("1763700000001.jpg", photo)));
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Contains("nothing was stored twice", ParseXml(await again.Content.ReadAsStringAsync()).Root!.Value);
        await using (var ctx = app.OpenDb())
        {
            Assert.Equal(1, await ctx.Reports.CountAsync(r => r.ClientId == instanceId));
            Assert.Equal(1, await ctx.Evidence.CountAsync(e => e.ReportId == reportId));
        }
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AnInstanceAsODKsOwnFormEngineWritesItIsAccepted(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        using var collect = Collect(app);
        // Written by ODK Web Forms' engine (@getodk/xforms-engine 0.22.0) from this form, filled in; only the instanceID is new.
        var instanceId = NewInstanceId();
        var engine = $"""<data id="truceline-incident" version="2026.1"><source_type>civilian</source_type><source_identity>Samira (simulated)</source_identity><source/><occurred>2026-11-20</occurred><occurred_time>08:40:00.000+02:00</occurred_time><location>31.3462 34.3063 12.0 4.8</location><geo_precision>1</geo_precision><place_name>east of Khan Younis</place_name><event_type>explosions</event_type><sub_event_type/><description/><alleged_parties/><fatalities>0</fatalities><photo/><meta><instanceID>{instanceId}</instanceID></meta></data>""";
        Assert.Equal(HttpStatusCode.Created, (await collect.PostAsync(Submission, Post(engine))).StatusCode);
        await using var ctx = app.OpenDb();
        var stored = await ctx.Reports.SingleAsync(r => r.Channel == Channel.OpenRosa && r.ClientId == instanceId);
        Assert.Equal(("PS0270", 1, "east of Khan Younis", (string?)null, 0), (stored.GovernorateCode, stored.GeoPrecision, stored.PlaceName, stored.Description, stored.Fatalities));
        Assert.Empty(stored.AllegedParties);
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ASplitSubmissionAddsOnlyTheFilesNotYetReceivedAndOnlyFromItsOwnAccount(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        using var collect = Collect(app);
        var instanceId = NewInstanceId();
        var (first, second) = (Jpeg(instanceId + "-1"), Jpeg(instanceId + "-2"));
        // Collect splits a submission over the accepted length into posts with the same instance, files spread over them.
        Assert.Equal(HttpStatusCode.Created, (await collect.PostAsync(Submission, Post(Instance(instanceId), ("a.jpg", first)))).StatusCode);
        var more = await collect.PostAsync(Submission, Post(Instance(instanceId), ("a.jpg", first), ("b.jpg", second)));
        Assert.Equal(HttpStatusCode.Created, more.StatusCode);
        Assert.Contains("1 file added", await more.Content.ReadAsStringAsync());
        // Another account cannot add to it, nor can a changed file replace one received.
        using var other = Collect(app, Role.Agency);
        var foreign = await ProblemAssert.IsProblem(await other.PostAsync(Submission, Post(Instance(instanceId), ("c.jpg", Jpeg("c")))), HttpStatusCode.Conflict);
        Assert.Contains("another account", foreign.Detail());
        var changed = await ProblemAssert.IsProblem(await collect.PostAsync(Submission, Post(Instance(instanceId), ("a.jpg", Jpeg("altered")), ("d.jpg", Jpeg("d")))), HttpStatusCode.Conflict);
        Assert.Contains("different file named a.jpg", changed.Detail());
        await using var ctx = app.OpenDb();
        var report = await ctx.Reports.SingleAsync(r => r.ClientId == instanceId);
        Assert.Equal(new[] { ("a.jpg", Sha256Hex(first)), ("b.jpg", Sha256Hex(second)) },
            (await ctx.Evidence.Where(e => e.ReportId == report.Id).OrderBy(e => e.FileName).Select(e => new { e.FileName, e.Sha256 }).ToListAsync()).Select(e => (e.FileName, e.Sha256)));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task ConcurrentResubmissionsStoreOneReportAndOneFile(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        using var collect = Collect(app);
        var instanceId = NewInstanceId();
        var photo = Jpeg(instanceId);
        var answers = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => collect.PostAsync(Submission, Post(Instance(instanceId), ("p.jpg", photo)))));
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        Assert.Equal(4, answers.Count(a => a.StatusCode == HttpStatusCode.Accepted));
        await using var ctx = app.OpenDb();
        var report = await ctx.Reports.SingleAsync(r => r.ClientId == instanceId);
        Assert.Equal(1, await ctx.Evidence.CountAsync(e => e.ReportId == report.Id));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task HostileSubmissionsAreRefusedClearlyAndNothingIsStored(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureGovernoratesAsync();
        using var collect = Collect(app);
        var batch = Guid.NewGuid().ToString("N")[..10];
        var ids = new List<string>();
        string Id()
        {
            var id = $"uuid:{batch}-{ids.Count}";
            ids.Add(id);
            return id;
        }
        async Task<System.Text.Json.JsonElement> Refused(HttpContent body, HttpStatusCode status, string field, string says)
        {
            var response = await collect.PostAsync(Submission, body);
            Assert.Equal("1.0", response.Headers.GetValues("X-OpenRosa-Version").Single());
            var problem = await ProblemAssert.IsProblem(response, status);
            Assert.True(problem.FieldErrors(field).Any(m => m.Contains(says, StringComparison.Ordinal)), $"{field} should say '{says}': {problem}");
            return problem;
        }

        // External entity: refused before anything is resolved; the file's text appears nowhere.
        var xxe = Instance(Id(), description: "&e;").Replace("<?xml version='1.0' ?>", "<?xml version='1.0' ?><!DOCTYPE data [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>", StringComparison.Ordinal);
        var refusedXxe = await Refused(Post(xxe), HttpStatusCode.UnprocessableEntity, OpenRosa.XmlPart, "DOCTYPE");
        Assert.DoesNotContain("root:", refusedXxe.ToString());
        // Entity expansion ("billion laughs").
        var laughs = new StringBuilder("<!DOCTYPE data [<!ENTITY lol \"lol\">");
        for (var i = 1; i <= 9; i++)
        {
            laughs.Append(CultureInfo.InvariantCulture, $"<!ENTITY lol{i} \"{string.Concat(Enumerable.Repeat(i == 1 ? "&lol;" : $"&lol{i - 1};", 10))}\">");
        }
        laughs.Append("]>");
        await Refused(Post(laughs + Instance(Id(), description: "&lol9;").Replace("<?xml version='1.0' ?>", "", StringComparison.Ordinal)),
            HttpStatusCode.UnprocessableEntity, OpenRosa.XmlPart, "DOCTYPE");
        // Not well-formed; an entity that was never declared; a prefix nobody declared.
        await Refused(Post(Instance(Id()).Replace("</data>", "", StringComparison.Ordinal)), HttpStatusCode.UnprocessableEntity, OpenRosa.XmlPart, "not well-formed");
        await Refused(Post(Instance(Id(), description: "&e;")), HttpStatusCode.UnprocessableEntity, OpenRosa.XmlPart, "not well-formed");
        await Refused(Post(Instance(Id(), description: "<x:y>z</x:y>")), HttpStatusCode.UnprocessableEntity, OpenRosa.XmlPart, "not well-formed");
        // Broken UTF-8 in the XML part.
        var utf8 = Encoding.UTF8.GetBytes(Instance(Id(), description: "BROKEN"));
        var at = utf8.AsSpan().IndexOf("BROKEN"u8);
        utf8[at] = 0xC3;
        utf8[at + 1] = 0x28;
        await Refused(Post(utf8), HttpStatusCode.UnprocessableEntity, OpenRosa.XmlPart, "not valid UTF-8");
        // No instanceID; a form this server does not offer.
        var noId = Id();
        await Refused(Post(Instance(noId).Replace($"<meta><instanceID>{noId}</instanceID></meta>", "", StringComparison.Ordinal)),
            HttpStatusCode.UnprocessableEntity, "meta/instanceID", "is required");
        await Refused(Post(Instance(Id(), formId: "simple")), HttpStatusCode.UnprocessableEntity, "id", "not a form this server offers");
        // Coordinates out of range, not a geopoint, outside the governorates.
        await Refused(Post(Instance(Id(), location: "95.5 34.3063 0 0")), HttpStatusCode.UnprocessableEntity, "location", "latitude 95.5 is out of range");
        await Refused(Post(Instance(Id(), location: "31.3 NaN")), HttpStatusCode.UnprocessableEntity, "location", "is not a geopoint");
        await Refused(Post(Instance(Id(), location: "30.0 31.2 0 0")), HttpStatusCode.UnprocessableEntity, "location", "km outside the governorates");
        // Too large: one attachment, too many attachments, the instance, the whole body.
        var big = new byte[OpenRosaApi.MaxAttachmentBytes + 1];
        await Refused(Post(Instance(Id()), ($"{batch}-big.jpg", big)), HttpStatusCode.RequestEntityTooLarge, $"{batch}-big.jpg", "at most 10 MiB");
        var eleven = Enumerable.Range(0, 11).Select(i => ($"{batch}-{i}.jpg", Jpeg($"{i}"))).ToArray();
        await Refused(Post(Instance(Id()), eleven), HttpStatusCode.RequestEntityTooLarge, "attachments", "At most 10 attachments");
        await Refused(Post(Instance(Id(), description: new string('x', OpenRosa.MaxInstanceBytes))), HttpStatusCode.RequestEntityTooLarge, OpenRosa.XmlPart, "at most 1024 KiB");
        var (status, body) = await RawPostAsync(app, OpenRosaApi.MaxSubmissionBytes + 1);
        Assert.Equal(413, status);
        Assert.Contains("at most 25 MiB", body);
        // Not multipart; multipart without the instance.
        var json = await collect.PostAsync(Submission, new StringContent($"{{\"instanceID\":\"{Id()}\"}}", Encoding.UTF8, "application/json"));
        Assert.Contains("multipart/form-data", (await ProblemAssert.IsProblem(json, HttpStatusCode.UnsupportedMediaType)).Detail());
        var photoOnly = new MultipartFormDataContent { Part(Jpeg("x"), "image/jpeg", $"{batch}-alone.jpg", $"{batch}-alone.jpg") };
        await Refused(photoOnly, HttpStatusCode.UnprocessableEntity, OpenRosa.XmlPart, "is required");
        var truncated = new StringContent("--b\r\nContent-Disposition: form-data; name=\"xml_submission_file\"\r\n\r\n<data", Encoding.ASCII);
        truncated.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=b");
        Assert.Contains("malformed", (await ProblemAssert.IsProblem(await collect.PostAsync(Submission, truncated), HttpStatusCode.BadRequest)).Detail());

        await using var ctx = app.OpenDb();
        Assert.False(await ctx.Reports.IgnoreQueryFilters().AnyAsync(r => r.ClientId != null && r.ClientId.StartsWith($"uuid:{batch}")));
        Assert.False(await ctx.Evidence.IgnoreQueryFilters().AnyAsync(e => e.FileName.StartsWith(batch)));
    }

    /// <summary>A post that announces a body over the limit and sends none: the server must answer from the headers alone.</summary>
    private static async Task<(int Status, string Body)> RawPostAsync(TestApp app, long contentLength)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(app.Address.Host, app.Address.Port);
        await using var stream = tcp.GetStream();
        var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"collect:{app.Token(Role.Monitor)}"));
        var head = $"POST {Submission} HTTP/1.1\r\nHost: {app.Address.Authority}\r\nAuthorization: Basic {token}\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: {contentLength}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var response = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while (!response.ToString().Contains("\"status\":413", StringComparison.Ordinal) && (read = await reader.ReadAsync(buffer, timeout.Token)) > 0)
        {
            response.Append(buffer, 0, read);
        }
        var text = response.ToString();
        return (int.Parse(text.Split(' ')[1], CultureInfo.InvariantCulture), text);
    }

    [Fact]
    public void TheReaderReadsODKCentralsSamplesAndNeverThrowsOnAnyCutOfThem()
    {
        var folder = Path.Combine(TestFiles.Shared, "data", "formats", "odk-openrosa", "central-backend", "submissions");
        var files = Directory.GetFiles(folder, "*.xml").Order(StringComparer.Ordinal).ToList();
        Assert.True(files.Count >= 40, $"{files.Count} samples in {folder}");
        var today = new DateOnly(2026, 11, 21);
        var read = new Dictionary<string, OpenRosa.Instance>();
        foreach (var file in files)
        {
            var bytes = File.ReadAllBytes(file);
            var whole = OpenRosa.ReadInstance(bytes);
            if (whole.Succeeded)
            {
                Assert.False(string.IsNullOrWhiteSpace(whole.Value!.InstanceId));
                read[Path.GetFileName(file)] = whole.Value;
                // Not the incident form: refused cleanly, naming the form id.
                Assert.NotEmpty(OpenRosa.ToRequest(whole.Value, today).Failure!.Errors!["id"]);
            }
            else
            {
                Assert.NotEmpty(whole.Failure!.Errors!);
            }
            // Any truncation (also inside a multi-byte character) is an answer, never an exception.
            for (var cut = 0; cut < bytes.Length; cut += 3)
            {
                var partial = OpenRosa.ReadInstance(bytes.AsSpan(0, cut));
                Assert.True(partial.Succeeded || partial.Failure!.Errors!.Count > 0);
            }
        }
        // Every sample carries an instanceID, and it is found: also under an orx: prefix the document never declares.
        Assert.Equal(files.Count, read.Count);
        Assert.Equal("double", read["doubleRepeat__double.xml"].InstanceId);
        Assert.Equal("s2one", read["simple2__one.xml"].InstanceId);
        Assert.Equal(("uuid:dcf4a151-5088-453f-99e6-369d67828f7a", true), (read["encrypted__one.xml"].InstanceId, read["encrypted__one.xml"].Encrypted));
        Assert.Equal("f😂le3صادق", read["binaryType__unicode.xml"].Field("file2"));
        Assert.Equal("36.999194 -121.333626 0 0", read["multiEntityFarm__one.xml"].Field("farm/location"));
    }
}
