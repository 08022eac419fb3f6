using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Truceline.Data;
using Truceline.Web.Access;

namespace Truceline.Web.Pages.Account;

public sealed class SignInModel(TrucelineDb db, SignInThrottle throttle) : PageModel
{
    public string? Email { get; private set; }

    public string? Error { get; private set; }

    [FromQuery(Name = "ReturnUrl")]
    public string? ReturnUrl { get; set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? email, string? password, string? returnUrl, CancellationToken ct)
    {
        Email = email;
        ReturnUrl = returnUrl;
        if (!throttle.TryAttempt(email, HttpContext.Connection.RemoteIpAddress?.ToString()))
        {
            Error = $"Too many sign-in attempts. Wait {SignInThrottle.AccountWindow.TotalMinutes:0} minutes and try again.";
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }
        var found = await Accounts.SignInAsync(db, email, password, ct);
        if (found is not { } account)
        {
            Error = "The email or password is not right.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            TrucelineClaims.Principal(account.User, account.Organisation, CookieAuthenticationDefaults.AuthenticationScheme));
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl! : "/");
    }
}
