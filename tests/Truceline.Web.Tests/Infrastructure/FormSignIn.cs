using System.Text.RegularExpressions;

namespace Truceline.Web.Tests.Infrastructure;

/// <summary>Signs in through the HTML form as a browser without JavaScript would, antiforgery token included.</summary>
public static partial class FormSignIn
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    public static string Antiforgery(string html) => AntiforgeryField().Match(html).Groups[1].Value;

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
