using System.Net;
using System.Text.Json;

namespace Truceline.Web.Tests.Infrastructure;

public static class ProblemAssert
{
    /// <summary>Asserts the answer is application/problem+json with this status, and returns its body.</summary>
    public static async Task<JsonElement> IsProblem(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var json = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)status, json.GetProperty("status").GetInt32());
        return json;
    }

    public static string Detail(this JsonElement problem) => problem.GetProperty("detail").GetString() ?? "";

    public static string[] FieldErrors(this JsonElement problem, string field) =>
        problem.TryGetProperty("errors", out var errors) && errors.TryGetProperty(field, out var list)
            ? list.EnumerateArray().Select(e => e.GetString()!).ToArray()
            : [];
}
