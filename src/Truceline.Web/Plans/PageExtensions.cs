using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Truceline.Plans;

namespace Truceline.Web.Plans;

public static class PageExtensions
{
    /// <summary>Every page that shows a simulated agreement's data says so in the banner, with the agreement's own note.</summary>
    public static void MarkSimulated(this PageModel page, Agreement agreement)
    {
        if (agreement.Simulated)
        {
            page.ViewData["Simulated"] = true;
            page.ViewData["SimulatedNote"] = agreement.SimulatedNote;
        }
    }

    /// <summary>
    /// Signed out, a record that is not public is indistinguishable from one that does not exist: both lead to the
    /// sign-in page, so that a member of staff following a link gets there, and a visitor learns nothing.
    /// </summary>
    public static IActionResult NotFoundOrSignIn(this PageModel page) =>
        page.User.Identity?.IsAuthenticated == true ? page.NotFound() : page.Challenge();
}
