using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Truceline.Access;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Portal;

/// <summary>English, Arabic and Hebrew: every text a page shows has its translation, and the choice of language changes pages, never data.</summary>
public sealed partial class LanguageTests(Apps apps)
{
    private static readonly string Pages = Path.Combine(TestFiles.Root, "src", "Truceline.Web", "Pages");

    private static Dictionary<string, string> Table(string language) => TestFiles.LanguageTable(language);

    /// <summary>Every literal L["…"] in every page, and the texts pages look up by value (statuses, states).</summary>
    private static SortedSet<string> Keys()
    {
        var keys = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(Pages, "*.cshtml", SearchOption.AllDirectories))
        {
            foreach (Match m in LiteralKey().Matches(File.ReadAllText(file)))
            {
                keys.Add(Regex.Unescape(m.Groups[1].Value));
            }
        }
        for (var s = 0; s <= 3; s++)
        {
            keys.Add(Truceline.Plans.ImplementationStatus.Label(s));
        }
        foreach (var label in Truceline.Web.Pages.Public.IncidentsModel.StateLabels.Values
                     .Concat(Truceline.Web.Pages.Complaint.IndexModel.Categories.Select(c => c.Label))
                     .Concat(Enum.GetValues<Truceline.Grievances.GrievanceState>().Select(Truceline.Web.Pages.Complaint.TrackModel.StateLabel))
                     .Concat(Truceline.Web.Pages.Grievances.DetailModel.Notices)
                     .Concat(Truceline.Web.Pages.SituationReports.DetailModel.Labels)
                     .Concat(Truceline.Web.Pages.Log.EntryModel.VerifyReasons.Values))
        {
            keys.Add(label);
        }
        return keys;
    }

    [Theory]
    [InlineData("ar")]
    [InlineData("he")]
    public void EveryTextOfEveryPageIsTranslatedWithItsPlaceholders(string language)
    {
        var table = Table(language);
        var keys = Keys();
        Assert.True(keys.Count > 300, $"only {keys.Count} texts found: the pattern no longer matches the pages");
        var missing = keys.Where(k => !table.TryGetValue(k, out var t) || string.IsNullOrWhiteSpace(t)).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} text(s) without a {language} translation:\n" + string.Join("\n", missing.Take(40)));
        var placeholders = keys.Where(k => Placeholder().Matches(k).Select(m => m.Value).Order().SequenceEqual(Placeholder().Matches(table[k]).Select(m => m.Value).Order()) == false).ToList();
        Assert.True(placeholders.Count == 0, "placeholders differ:\n" + string.Join("\n", placeholders));
        var untranslated = keys.Where(k => k.Any(char.IsLetter) && table[k] == k && k.Length > 12).ToList();
        Assert.True(untranslated.Count == 0, "left in English:\n" + string.Join("\n", untranslated));
        var stale = table.Keys.Where(k => !keys.Contains(k)).ToList();
        Assert.True(stale.Count == 0, $"{stale.Count} translation(s) no page uses any more:\n" + string.Join("\n", stale.Take(40)));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task TheLanguageIsChosenByLinkRememberedByCookieAndTurnsThePageRightToLeft(string db)
    {
        var app = await apps.Get(db);
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = app.Address };

        var english = await client.GetStringAsync("/log");
        Assert.Contains("<html lang=\"en\" dir=\"ltr\">", english);
        Assert.Contains("href=\"/lang/ar?return=%2Flog\"", english);

        var chosen = await client.GetAsync("/lang/ar?return=%2Flog");
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);
        Assert.Equal("/log", chosen.Headers.Location!.OriginalString);
        var arabic = WebUtility.HtmlDecode(await client.GetStringAsync("/log"));
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", arabic);
        Assert.Contains($"<h1>{Table("ar")["Transparency log"]}</h1>", arabic);

        // A link with ?lang= wins over the cookie, for that page only.
        var hebrew = WebUtility.HtmlDecode(await client.GetStringAsync("/log?lang=he"));
        Assert.Contains("<html lang=\"he\" dir=\"rtl\">", hebrew);
        Assert.Contains($"<h1>{Table("he")["Transparency log"]}</h1>", hebrew);
        Assert.Contains("<html lang=\"ar\"", await client.GetStringAsync("/log"));

        // Without a choice, the browser's own preference.
        using var anonymous = new HttpClient { BaseAddress = app.Address };
        anonymous.DefaultRequestHeaders.AcceptLanguage.ParseAdd("he-IL,he;q=0.9,en;q=0.5");
        Assert.Contains("<html lang=\"he\" dir=\"rtl\">", await anonymous.GetStringAsync("/"));
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AnUnknownLanguageIsAProblemAndTheSwitchNeverLeavesTheSite(string db)
    {
        var app = await apps.Get(db);
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = app.Address };
        var unknown = await ProblemAssert.IsProblem(await client.GetAsync("/lang/xx?return=/log"), HttpStatusCode.NotFound);
        Assert.Contains("'xx' is not a language of this interface; choose one of en, ar, he.", unknown.GetProperty("detail").GetString());
        foreach (var target in new[] { "//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:alert(1)", "/\t/evil.example", "/\n/evil.example" })
        {
            var response = await client.GetAsync("/lang/he?return=" + Uri.EscapeDataString(target));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/", response.Headers.Location!.OriginalString);
        }
    }

    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task TheApiAndOpenDataAnswerTheSameBytesInEveryLanguage(string db)
    {
        await using var app = await TestApp.StartAsync(db);
        var plan = await app.ImportGazaPlanAsync();
        using var coordinator = app.Client(Role.Coordinator);
        var id = await app.ProvisionIdAsync(plan, "P2-WATER");
        Assert.True((await coordinator.PostAsync($"/api/v1/provisions/{id}/status", new StringContent(
            "{\"status\":1,\"evidence\":\"Contract signed (simulated)\"}", System.Text.Encoding.UTF8, "application/json"))).IsSuccessStatusCode);
        foreach (var path in new[] { "/api/v1/open/provision-status.csv", "/api/v1/open/provision-status.json", "/api/v1/log/entries" })
        {
            var answers = new List<string>();
            foreach (var language in new[] { "en", "ar", "he" })
            {
                using var client = app.Client();
                client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
                answers.Add(await client.GetStringAsync(path + "?lang=" + language));
            }
            Assert.True(answers.Distinct().Count() == 1, $"{path} differs by language");
            Assert.Contains("P2-WATER", answers[0]);
            Assert.Matches(@"20\d\d-\d\d-\d\d", answers[0]); // dates as ISO 8601 in ASCII digits
            Assert.DoesNotMatch("[٠-٩٫٬]", answers[0]); // never Arabic-Indic digits or separators
        }
    }

    [GeneratedRegex("""L\["((?:[^"\\]|\\.)*)"\]""")]
    private static partial Regex LiteralKey();

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();
}
