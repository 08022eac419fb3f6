using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Truceline.Common;

namespace Truceline.Web;

public static class Problems
{
    public static Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        }).AsTask();
    }

    /// <summary>An expected rule failure as the answer a client can act on.</summary>
    public static ProblemHttpResult ToProblem(this Failure failure)
    {
        var status = failure.Kind switch
        {
            FailureKind.NotFound => StatusCodes.Status404NotFound,
            FailureKind.Conflict => StatusCodes.Status409Conflict,
            FailureKind.Invalid => StatusCodes.Status422UnprocessableEntity,
            FailureKind.Forbidden => StatusCodes.Status403Forbidden,
            FailureKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
        };
        var extensions = failure.Errors is null ? null : new Dictionary<string, object?> { ["errors"] = failure.Errors };
        return TypedResults.Problem(failure.Detail, statusCode: status, title: failure.Title, extensions: extensions);
    }
}
