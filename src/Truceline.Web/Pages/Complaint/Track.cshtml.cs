using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using Truceline.Access;
using Truceline.Data;
using Truceline.Grievances;

namespace Truceline.Web.Pages.Complaint;

/// <summary>A complaint's state and answer for the holder of its code; closing it with feedback, or appealing. The code
/// travels in a form post, never in the address (which browsers and proxies keep), and guesses are rate-limited.</summary>
[EnableRateLimiting(Truceline.Web.Grievances.GrievancesApi.TrackingPolicy)]
public sealed class TrackModel(TrucelineDb db, PersonalData personalData, TimeProvider time) : PageModel
{
    [BindProperty] public string? Code { get; set; }

    public static string StateLabel(GrievanceState state) => state switch
    {
        GrievanceState.Received => "Received",
        GrievanceState.Acknowledged => "Being handled",
        GrievanceState.Referred => "Referred to the organisation responsible",
        GrievanceState.Responded => "Answered",
        GrievanceState.Closed => "Closed",
        _ => "Under appeal",
    };

    public TrackGrievance.View? View { get; private set; }

    /// <summary>"unknown" for a code that opens nothing; otherwise the rule's own message (English, as the API's).</summary>
    public string? Error { get; private set; }

    /// <summary>"closed" or "appealed".</summary>
    public string? Done { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        View = await TrackGrievance.RunAsync(db, personalData, Code, ct);
        return NotFoundUnless();
    }

    public async Task<IActionResult> OnPostCloseAsync(bool? satisfied, string? comment, CancellationToken ct)
    {
        var outcome = await CloseGrievance.ByComplainantAsync(db, personalData, Code, satisfied ?? false, comment, time, ct);
        return await After(outcome, "closed", ct);
    }

    public async Task<IActionResult> OnPostAppealAsync(string? reason, CancellationToken ct)
    {
        var outcome = await AppealGrievance.ByComplainantAsync(db, personalData, Code, reason, time, ct);
        return await After(outcome, "appealed", ct);
    }

    private async Task<IActionResult> After(Truceline.Common.Outcome<TrackGrievance.View> outcome, string done, CancellationToken ct)
    {
        if (outcome.Succeeded)
        {
            View = outcome.Value;
            Done = done;
            return Page();
        }
        View = await TrackGrievance.RunAsync(db, personalData, Code, ct);
        if (View is null)
        {
            return NotFoundUnless();
        }
        var (lines, status) = FormFailures.Lines(outcome.Failure!);
        (Error, Response.StatusCode) = (lines[0], status);
        return Page();
    }

    /// <summary>A wrong code and a code that is not one get the same answer: nothing tells a guesser how close they came.</summary>
    private IActionResult NotFoundUnless()
    {
        if (View is null)
        {
            Error = "unknown";
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
        return Page();
    }
}
