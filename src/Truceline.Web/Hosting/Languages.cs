using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Localization;

namespace Truceline.Web;

/// <summary>
/// The interface's languages: English, Arabic and Hebrew. The text is keyed by its English wording, one JSON file per
/// language embedded in this assembly (Languages/ar.json, Languages/he.json), so a translator edits one flat file and a
/// test can list every key a page uses that a language lacks (see ADR-013).
/// </summary>
public static class Languages
{
    public const string CookieName = "truceline-lang";
    public const string QueryName = "lang";

    /// <summary>Code, name in its own language, and the culture that formats numbers and dates for it.</summary>
    public static readonly IReadOnlyList<(string Code, string Name, string Formatting)> Supported =
    [
        ("en", "English", "en"),
        // Levantine month names (تشرين الأول) and Arabic separators, as read in Gaza.
        ("ar", "العربية", "ar-PS"),
        ("he", "עברית", "he"),
    ];

    public static bool IsSupported(string? code) => code is not null && Supported.Any(l => l.Code == code);

    public static void Configure(RequestLocalizationOptions o)
    {
        o.SupportedCultures = Supported.Select(l => new CultureInfo(l.Formatting)).ToList();
        o.SupportedUICultures = Supported.Select(l => new CultureInfo(l.Code)).ToList();
        o.DefaultRequestCulture = new RequestCulture("en");
        o.RequestCultureProviders =
        [
            new CustomRequestCultureProvider(ctx => Task.FromResult(Chosen(ctx.Request.Query[QueryName]) ?? Chosen(ctx.Request.Cookies[CookieName]))),
            // The complaint pages are Arabic first: the browser's own language does not override it, a choice does.
            new CustomRequestCultureProvider(ctx => Task.FromResult(ctx.Request.Path.StartsWithSegments("/complaint") ? Chosen("ar") : null)),
            new AcceptLanguageHeaderRequestCultureProvider(),
        ];
    }

    private static ProviderCultureResult? Chosen(string? code) =>
        Supported.FirstOrDefault(l => l.Code == code) is { Code: not null } l ? new ProviderCultureResult(l.Formatting, l.Code) : null;

    /// <summary>'/lang/ar?return=/aid': remembers the choice for a year and goes back, without JavaScript.</summary>
    public static void MapLanguageSwitch(this IEndpointRouteBuilder app) =>
        app.MapGet("/lang/{code}", (string code, string? @return, HttpContext http) =>
        {
            if (!IsSupported(code))
            {
                return Results.Problem(statusCode: 404, title: "Unknown language",
                    detail: $"'{code}' is not a language of this interface; choose one of {string.Join(", ", Supported.Select(l => l.Code))}.");
            }
            http.Response.Cookies.Append(CookieName, code, new CookieOptions
            {
                MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true, Secure = http.Request.IsHttps,
            });
            // Only a path on this site: never an open redirect.
            var target = @return is { Length: > 0 } r && r[0] == '/' && !r.StartsWith("//", StringComparison.Ordinal)
                && !r.Any(c => c < ' ' || c == '\\' || c == '\u007f') ? r : "/";
            return Results.Redirect(target);
        }).AllowAnonymous().ExcludeFromDescription();
}

/// <summary>Text keyed by English; a key a language lacks falls back to English and says so (ResourceNotFound).</summary>
public sealed class JsonStringLocalizerFactory : IStringLocalizerFactory
{
    private static readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> Tables = new();

    public IStringLocalizer Create(Type resourceSource) => new JsonStringLocalizer();

    public IStringLocalizer Create(string baseName, string location) => new JsonStringLocalizer();

    public static IReadOnlyDictionary<string, string> Table(string language) => Tables.GetOrAdd(language, Load);

    private static IReadOnlyDictionary<string, string> Load(string language)
    {
        using var stream = typeof(JsonStringLocalizerFactory).Assembly.GetManifestResourceStream($"Truceline.Web.Languages.{language}.json");
        return stream is null
            ? new Dictionary<string, string>()
            : JsonSerializer.Deserialize<Dictionary<string, string>>(stream) ?? [];
    }

    private sealed class JsonStringLocalizer : IStringLocalizer
    {
        public LocalizedString this[string name]
        {
            get
            {
                var language = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
                if (language == "en")
                {
                    return new LocalizedString(name, name, resourceNotFound: false);
                }
                return Table(language).TryGetValue(name, out var text) && text.Length > 0
                    ? new LocalizedString(name, text, resourceNotFound: false)
                    : new LocalizedString(name, name, resourceNotFound: true);
            }
        }

        public LocalizedString this[string name, params object[] arguments] =>
            this[name] is var s ? new LocalizedString(name, string.Format(CultureInfo.CurrentCulture, s.Value, arguments), s.ResourceNotFound) : s;

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) =>
            Table(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName).Select(kv => new LocalizedString(kv.Key, kv.Value));
    }
}
