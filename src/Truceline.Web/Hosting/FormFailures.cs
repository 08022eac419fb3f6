using Microsoft.AspNetCore.Mvc.RazorPages;
using Truceline.Common;

namespace Truceline.Web;

/// <summary>A page form's rule failure shown beside the form that caused it, with the status the API would answer.</summary>
public static class FormFailures
{
    public static void Show(this PageModel page, Failure failure, string form)
    {
        foreach (var (field, messages) in failure.Errors ?? new Dictionary<string, string[]> { [""] = [failure.Detail] })
        {
            foreach (var m in messages)
            {
                page.ModelState.AddModelError($"{form}.{field}", string.IsNullOrEmpty(field) ? m : $"{field}: {m}");
            }
        }
        page.ViewData["FailedForm"] = form;
        page.Response.StatusCode = failure.Kind switch
        {
            FailureKind.Conflict => StatusCodes.Status409Conflict,
            FailureKind.Forbidden => StatusCodes.Status403Forbidden,
            FailureKind.Invalid or FailureKind.NotFound => StatusCodes.Status422UnprocessableEntity,
            FailureKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        };
    }

    /// <summary>A failure as the lines a plain form shows above itself ("field: message"), and the status the page answers with.</summary>
    public static (IReadOnlyList<string> Messages, int Status) Lines(Failure failure) =>
        (failure.Errors?.SelectMany(e => e.Value.Select(m => e.Key + ": " + m)).ToList() ?? [failure.Detail],
         failure.Kind switch
         {
             FailureKind.Conflict => StatusCodes.Status409Conflict,
             FailureKind.Forbidden => StatusCodes.Status403Forbidden,
             FailureKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
             _ => StatusCodes.Status422UnprocessableEntity,
         });

    public static IEnumerable<string> ErrorsFor(this PageModel page, string form) =>
        page.ModelState.Where(kv => kv.Key.StartsWith(form + ".", StringComparison.Ordinal)).SelectMany(kv => kv.Value!.Errors.Select(e => e.ErrorMessage));
}
