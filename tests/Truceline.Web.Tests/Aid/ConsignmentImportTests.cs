using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Truceline.Access;
using Truceline.Web.Aid;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Aid;

public sealed class ConsignmentImportTests(Apps apps)
{
    private const string Header = "reference,organisation,crossing,destination_governorate,category,description,quantity,unit,pallets,tonnes,trucks,requested_at,cleared_at,denied_at,arrived_at_crossing_at,offloaded_at,collected_at,reached_destination_at,intercepted_at,returned_at,lost_at,reason";

    private static ByteArrayContent Csv(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return content;
    }

    private static ByteArrayContent Csv(params string[] rows) => Csv(new UTF8Encoding(false).GetBytes(string.Join("\r\n", [Header, .. rows]) + "\r\n"));

    private static string Good(string reference) =>
        $"{reference},WFP,Kerem Shalom,PS0270,food,Wheat flour,1200,sacks,40,30,2,2026-11-01T06:00:00Z,2026-11-01T09:00:00Z,,2026-11-01T11:00:00Z,2026-11-01T13:30:00Z,,,,,,";

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task TruceLinesOwnLayoutImportsStagesWithTheirTimesOnceOnly(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureCrossingsAsync();
        using var agency = app.Client(Role.Agency);
        var prefix = "OWN-" + Guid.NewGuid().ToString("N")[..8];
        var lost = $"{prefix}-2,WFP,Kerem Shalom,PS0260,medical,Trauma kits,50,kits,,2,1,2026-11-02T06:00:00Z,2026-11-02T07:00:00Z,,2026-11-02T08:00:00Z,2026-11-02T09:00:00Z,2026-11-02T10:00:00Z,,,,2026-11-02T12:00:00Z,\"Looted on the road, north of the crossing\"";
        var response = await agency.PostAsync("/api/v1/consignments/import", Csv(Good(prefix + "-1"), lost));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var result = (await response.Content.ReadFromJsonAsync<ImportResultView>(Json.Options))!;
        Assert.Equal(("truceline", 2, 0, 0), (result.Layout, result.Imported, result.AlreadyPresent, result.UnknownCrossings));

        var page = (await agency.GetFromJsonAsync<ConsignmentPage>($"/api/v1/consignments?limit=500&stage=lost", Json.Options))!;
        var item = page.Items.Single(i => i.Reference == prefix + "-2");
        Assert.Equal(("lost", "Looted on the road, north of the crossing", true), (item.Stage, item.Reason, item.Imported));
        var detail = (await agency.GetFromJsonAsync<ConsignmentDetail>($"/api/v1/consignments/{item.Id}", Json.Options))!;
        Assert.Equal(["requested", "cleared", "arrived-at-crossing", "offloaded", "collected", "lost"], detail.History.Select(h => h.Stage));
        Assert.Equal([null, 1.0, 1.0, 1.0, 1.0, 2.0], detail.History.Select(h => h.HoursInPrevious));

        var again = (await (await agency.PostAsync("/api/v1/consignments/import", Csv(Good(prefix + "-1"), lost))).Content.ReadFromJsonAsync<ImportResultView>(Json.Options))!;
        Assert.Equal((0, 2), (again.Imported, again.AlreadyPresent));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task HostileFilesImportNothingAndNameEveryBadRow(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureCrossingsAsync();
        using var agency = app.Client(Role.Agency);
        var p = "BAD-" + Guid.NewGuid().ToString("N")[..8];
        var response = await agency.PostAsync("/api/v1/consignments/import", Csv(
            Good(p + "-ok"),
            $"{p}-neg,WFP,Kerem Shalom,PS0270,food,Flour,-5,sacks,,,2,2026-11-01T06:00:00Z,,,,,,,,,,",
            $"{p}-absurd,WFP,Kerem Shalom,PS0270,food,Flour,5,sacks,,,1e9,2026-11-01T06:00:00Z,,,,,,,,,,",
            $"{p}-future,WFP,Kerem Shalom,PS0270,food,Flour,5,sacks,,,2,2031-01-01T06:00:00Z,,,,,,,,,,",
            $"{p}-order,WFP,Kerem Shalom,PS0270,food,Flour,5,sacks,,,2,2026-11-01T06:00:00Z,,,,2026-11-01T05:00:00Z,,,,,,",
            $"{p}-gold,WFP,Kerem Shalom,PS9999,gold,Bars,5,bars,,,2,2026-11-01T06:00:00Z,,,,,,,,,,",
            $"{p}-nan,WFP,Kerem Shalom,PS0270,food,Flour,NaN,sacks,,,2,yesterday,,,,,,,,,,",
            Good(p + "-ok")));
        var problem = await ProblemAssert.IsProblem(response, HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith("Nothing was imported:", problem.Detail());
        var errors = problem.GetProperty("errors");
        Assert.Contains("out of range", errors.GetProperty("row 3: quantity")[0].GetString());
        Assert.Contains("out of range", errors.GetProperty("row 4: trucks")[0].GetString());
        Assert.Contains("is in the future", errors.GetProperty("row 5: requested_at")[0].GetString());
        Assert.Contains("cannot go from offloaded to requested", errors.GetProperty("row 6: requested_at")[0].GetString());
        Assert.Contains("'PS9999' is not a governorate code", errors.GetProperty("row 7: destination_governorate")[0].GetString());
        Assert.Contains("'gold' is not one of", errors.GetProperty("row 7: category")[0].GetString());
        Assert.Contains("'NaN' is not a number", errors.GetProperty("row 8: quantity")[0].GetString());
        Assert.Contains("'yesterday' is not a date", errors.GetProperty("row 8: requested_at")[0].GetString());
        Assert.Contains("appears twice in the file", errors.GetProperty("row 9: reference")[0].GetString());
        var list = (await agency.GetFromJsonAsync<ConsignmentPage>("/api/v1/consignments?limit=500", Json.Options))!;
        Assert.DoesNotContain(list.Items, i => i.Reference.StartsWith(p, StringComparison.Ordinal));

        var partial = await agency.PostAsync("/api/v1/consignments/import?partial=true", Csv(Good(p + "-ok"), $"{p}-neg,WFP,Kerem Shalom,PS0270,food,Flour,-5,sacks,,,2,2026-11-01T06:00:00Z,,,,,,,,,,"));
        var partialResult = (await partial.Content.ReadFromJsonAsync<ImportResultView>(Json.Options))!;
        Assert.Equal((true, 1, 1), (partialResult.Committed, partialResult.Imported, partialResult.Errors.Count));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task BrokenQuotingBrokenEncodingAndAStrangeHeaderAreRefusedPlainly(string db)
    {
        var app = await apps.Get(db);
        await app.EnsureCrossingsAsync();
        using var agency = app.Client(Role.Agency);
        var p = "ENC-" + Guid.NewGuid().ToString("N")[..8];

        var quoting = await ProblemAssert.IsProblem(await agency.PostAsync("/api/v1/consignments/import",
            Csv(Good(p + "-1"), $"{p}-2,\"WFP,Kerem Shalom,PS0270,food,Flour,5,sacks,,,2,2026-11-01T06:00:00Z,,,,,,,,,,")), HttpStatusCode.UnprocessableEntity);
        Assert.StartsWith("Nothing was imported", quoting.Detail());
        Assert.Contains(quoting.GetProperty("errors").EnumerateObject(), e => e.Name.StartsWith("row 3", StringComparison.Ordinal));

        // "Gaza" in Windows-1256 (Arabic): not UTF-8.
        var latin = Encoding.UTF8.GetBytes(Header + "\r\n" + Good(p + "-3").Replace("Wheat flour", "@@@@") + "\r\n");
        var at = Array.IndexOf(latin, (byte)'@');
        latin[at] = 0xDB; latin[at + 1] = 0xD2; latin[at + 2] = 0xC9; latin[at + 3] = 0xFF;
        var encoding = await ProblemAssert.IsProblem(await agency.PostAsync("/api/v1/consignments/import", Csv(latin)), HttpStatusCode.UnprocessableEntity);
        Assert.Contains(encoding.GetProperty("errors").EnumerateObject(), e => e.Name.EndsWith(": row", StringComparison.Ordinal) && e.Value[0].GetString()!.Contains("not valid UTF-8"));

        var header = await ProblemAssert.IsProblem(await agency.PostAsync("/api/v1/consignments/import", Csv(Encoding.UTF8.GetBytes("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>\n"))),
            HttpStatusCode.UnprocessableEntity);
        Assert.Contains(header.GetProperty("errors").EnumerateObject(), e => e.Name.StartsWith("row 1", StringComparison.Ordinal));
        var plain = await ProblemAssert.IsProblem(await agency.PostAsync("/api/v1/consignments/import", Csv(Encoding.UTF8.GetBytes("a,b,c\n1,2,3\n"))), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("neither UNRWA's layout", plain.GetProperty("errors").GetProperty("row 1: header")[0].GetString());

        var json = await ProblemAssert.IsProblem(await agency.PostAsync("/api/v1/consignments/import", new StringContent("{}", Encoding.UTF8, "application/json")),
            HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Content-Type: text/csv", json.Detail());
    }
}
