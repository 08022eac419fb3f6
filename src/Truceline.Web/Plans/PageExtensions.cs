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
}
