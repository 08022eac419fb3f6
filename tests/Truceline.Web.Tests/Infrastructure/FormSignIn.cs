using System.Text.RegularExpressions;

namespace Truceline.Web.Tests.Infrastructure;

/// <summary>Signs in through the HTML form as a browser without JavaScript would, antiforgery token included.</summary>
public static partial class FormSignIn
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    public static string Antiforgery(string html) => AntiforgeryField().Match(html).Groups[1].Value;

    /// <summary>A client that keeps the sign-in cookie and shows redirects as they are (to /account/denied, say).</summary>
    public static async Task<HttpClient> ClientAsync(TestApp app, Truceline.Access.Role role)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new System.Net.CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = app.Address };
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await PostAsync(client, TestApp.Email(role), TestApp.Password)).StatusCode);
        return client;
    }

    /// <summary>Posts a page's form as a browser without JavaScript would: the antiforgery token read from the page first.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string page, string? handler, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var html = await client.GetStringAsync(page);
        return await client.PostAsync(handler is null ? page : $"{page}?handler={handler}",
            new FormUrlEncodedContent([.. fields, new("__RequestVerificationToken", Antiforgery(html))]));
    }

    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string email, string password)
    {
        var form = await client.GetStringAsync("/account/signin");
        return await client.PostAsync("/account/signin", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = email,
            ["password"] = password,
            ["__RequestVerificationToken"] = Antiforgery(form),
        }));
    }
}
