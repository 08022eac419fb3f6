using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Truceline.Aid;
using Truceline.Common;
using Microsoft.AspNetCore.Authentication;
using Truceline.Data;
using Truceline.Web.Access;

namespace Truceline.Web.Aid;

public sealed record MoveRequest(string? Stage, DateTimeOffset? At, string? Reason);

public sealed record BatchMoveRequest(IReadOnlyList<MoveConsignment.Move>? Moves);

public sealed record ImportResultView(bool Committed, string Layout, int Imported, int AlreadyPresent, int UnknownCrossings, IReadOnlyList<ImportConsignments.RowError> Errors);

public static class AidApi
{
    public const int MaxImportBytes = 200 * 1024 * 1024;

    public static void MapAidApi(this IEndpointRouteBuilder routes)
    {
        var signedIn = routes.MapGroup("/api/v1").WithTags("Humanitarian access")
            .RequireAuthorization(p => p.AddAuthenticationSchemes(BearerTokenHandler.SchemeName).RequireAuthenticatedUser());
        var register = Permissions.Policy(Permission.RegisterConsignments);
        signedIn.MapPost("/consignments", PostConsignment).RequireAuthorization(register)
            .WithSummary("Register a consignment under your organisation's reference; the same reference again returns the first (200)");
        signedIn.MapPost("/consignments/import", PostImport).RequireAuthorization(register)
            .WithSummary("Import consignments from CSV (text/csv body): UNRWA's supplies tracking layout or Truceline's own; all or nothing unless ?partial=true");
        signedIn.MapGet("/consignments", ListConsignments).WithSummary("Consignments you may see (your organisation's; coordinators: all), newest first, keyset pages");
        signedIn.MapGet("/consignments/{id:guid}", GetConsignment).WithSummary("A consignment with its lines and its whole stage history");
        signedIn.MapPost("/consignments/{id:guid}/stages", PostStage).RequireAuthorization(register)
            .WithSummary("Record the next stage (illegal steps are refused with 409; denied, intercepted, returned and lost need a reason)");
        signedIn.MapPost("/consignments/stages", PostStages).RequireAuthorization(register)
            .WithSummary("Record up to 5,000 stage changes at once, all or nothing");
        signedIn.MapPost("/distributions", PostDistribution).RequireAuthorization(register)
            .WithSummary("Record goods distributed in a governorate and the people reached");
        signedIn.MapPost("/impediments", PostImpediment).RequireAuthorization(Permissions.Policy(Permission.RecordImpediments))
            .WithSummary("Record a denied, delayed, impeded or cancelled movement with its reason category");
        signedIn.MapPost("/aid/governorate-figures", PostGovernorateFigure).RequireAuthorization(Permissions.Policy(Permission.ManageAidFigures))
            .WithSummary("Record a governorate's population and people in need as a source published them on a date");

        // Aggregates are public by design: anyone may read them, and the tables behind them that carry no detail.
        var open = routes.MapGroup("/api/v1/aid").WithTags("Humanitarian access").AllowAnonymous();
        open.MapGet("/figures", GetFigures).WithSummary("Trucks and tonnes entered by day, week, crossing and commodity against the plan's target; the funnel; time in each stage; distributions per head; impediments");
        open.MapGet("/monthly", GetMonthly).WithSummary("Trucks entered per calendar month");
        open.MapGet("/export/{table}", GetExport).WithSummary("A table as CSV with an HXL hashtag row (.csv) or JSON (.json): daily, governorate-figures (public); consignments, distributions, impediments (signed in)");
    }

    public static async Task<Results<Created<ConsignmentView>, Ok<ConsignmentView>, ProblemHttpResult>> PostConsignment(
        RegisterConsignment.Request request, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var result = await RegisterConsignment.RunAsync(db, request, time, ct);
        if (!result.Succeeded)
        {
            return result.Failure!.ToProblem();
        }
        var view = AidViews.View(result.Value!.Consignment);
        return result.Value.Created ? TypedResults.Created($"/api/v1/consignments/{view.Id}", view) : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<ImportResultView>, ProblemHttpResult>> PostImport(HttpRequest http, bool? partial, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        if (http.ContentType is not { } type || !type.StartsWith("text/csv", StringComparison.OrdinalIgnoreCase))
        {
            return Failure.Invalid("body", "send the CSV file as the body with Content-Type: text/csv").ToProblem();
        }
        if (http.ContentLength is > MaxImportBytes)
        {
            return Failure.Invalid("body", $"the file is larger than {MaxImportBytes / 1024 / 1024} MB; use `truceline import consignments`").ToProblem();
        }
        var feature = http.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>();
        if (feature is { IsReadOnly: false })
        {
            feature.MaxRequestBodySize = MaxImportBytes;
        }
        // The reader is synchronous (the CSV parser), and Kestrel's body is not: spool it to a temporary file first.
        await using var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.DeleteOnClose);
        try
        {
            await http.Body.CopyToAsync(spool, ct);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Failure.Invalid("body", $"the file is larger than {MaxImportBytes / 1024 / 1024} MB; use `truceline import consignments`").ToProblem();
        }
        spool.Position = 0;
        var result = await ImportConsignments.RunAsync(db, spool, "upload.csv", new ImportConsignments.Options(Partial: partial ?? false), time, ct: ct);
        var view = new ImportResultView(result.Committed, result.Layout, result.Imported, result.AlreadyPresent, result.UnknownCrossings, result.Errors);
        if (!result.Committed)
        {
            var errors = result.Errors.GroupBy(e => $"row {e.Row}: {e.Field}").Take(100).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray());
            return TypedResults.Problem($"Nothing was imported: {result.Errors.Count} problem(s), first at row {result.Errors.FirstOrDefault()?.Row}. Fix them, or send ?partial=true to import the good rows.",
                statusCode: StatusCodes.Status422UnprocessableEntity, title: "Invalid input", extensions: new Dictionary<string, object?> { ["errors"] = errors });
        }
        return TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<ConsignmentPage>, ProblemHttpResult>> ListConsignments(string? cursor, int? limit, string? stage, string? crossing,
        string? category, DateOnly? from, DateOnly? to, string? organisation, string? reached, TrucelineDb db, CancellationToken ct)
    {
        if (limit is < 1 or > 500)
        {
            return Failure.Invalid("limit", "must be between 1 and 500").ToProblem();
        }
        if (stage is not null && !Stages.TryParse(stage, out _))
        {
            return Failure.Invalid("stage", $"'{stage}' is not a stage: " + string.Join(", ", Enum.GetValues<ConsignmentStage>().Select(s => s.Slug()))).ToProblem();
        }
        if (reached is not null && !Stages.TryParse(reached, out _))
        {
            return Failure.Invalid("reached", $"'{reached}' is not a stage: " + string.Join(", ", Enum.GetValues<ConsignmentStage>().Select(s => s.Slug()))).ToProblem();
        }
        if (category is not null && !Stages.TryParseCategory(category, out _))
        {
            return Failure.Invalid("category", $"'{category}' is not a commodity category").ToProblem();
        }
        Guid? after = null;
        if (cursor is not null)
        {
            if (!Guid.TryParse(cursor, out var c))
            {
                return Failure.Invalid("cursor", "is not a cursor this API gave out").ToProblem();
            }
            after = c;
        }
        return TypedResults.Ok(await AidQueries.ListAsync(db, new ConsignmentFilter(stage, crossing, category, from, to, organisation, reached), after, limit ?? 50, ct));
    }

    public static async Task<Results<Ok<ConsignmentDetail>, ProblemHttpResult>> GetConsignment(Guid id, TrucelineDb db, CancellationToken ct) =>
        await AidQueries.DetailAsync(db, id, ct) is { } detail
            ? TypedResults.Ok(detail)
            : Failure.NotFound($"There is no consignment {id} that you may see.").ToProblem();

    public static async Task<Results<Created<EventView>, ProblemHttpResult>> PostStage(Guid id, MoveRequest request, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var result = await MoveConsignment.RunAsync(db, new MoveConsignment.Move(id, request.Stage, request.At, request.Reason), time, ct);
        return result.Succeeded ? TypedResults.Created($"/api/v1/consignments/{id}", AidViews.View(result.Value!)) : result.Failure!.ToProblem();
    }

    public static async Task<Results<Ok<IReadOnlyList<EventView>>, ProblemHttpResult>> PostStages(BatchMoveRequest request, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var result = await MoveConsignment.RunBatchAsync(db, request.Moves ?? [], time, ct);
        return result.Succeeded ? TypedResults.Ok<IReadOnlyList<EventView>>(result.Value!.Select(AidViews.View).ToList()) : result.Failure!.ToProblem();
    }

    public static async Task<Results<Created<Distribution>, ProblemHttpResult>> PostDistribution(RecordDistribution.Request request, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var result = await RecordDistribution.RunAsync(db, request, time, ct);
        return result.Succeeded ? TypedResults.Created($"/api/v1/distributions/{result.Value!.Id}", result.Value) : result.Failure!.ToProblem();
    }

    public static async Task<Results<Created<Impediment>, ProblemHttpResult>> PostImpediment(RecordImpediment.Request request, TrucelineDb db, Truceline.Geo.ZoneCatalog zones,
        TimeProvider time, CancellationToken ct)
    {
        var result = await RecordImpediment.RunAsync(db, zones, request, time, ct);
        return result.Succeeded ? TypedResults.Created($"/api/v1/impediments/{result.Value!.Id}", result.Value) : result.Failure!.ToProblem();
    }

    public static async Task<Results<Created<GovernorateFigure>, ProblemHttpResult>> PostGovernorateFigure(RecordGovernorateFigure.Request request, TrucelineDb db, CancellationToken ct)
    {
        var result = await RecordGovernorateFigure.RunAsync(db, request, ct);
        return result.Succeeded ? TypedResults.Created("/api/v1/aid/governorate-figures", result.Value!) : result.Failure!.ToProblem();
    }

    public static async Task<Results<Ok<AidFiguresView>, ProblemHttpResult>> GetFigures(DateOnly? from, DateOnly? to, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var period = Period(from, to, time, out var failure);
        return failure is null ? TypedResults.Ok(await AidQueries.FiguresAsync(db, period, ct)) : failure.ToProblem();
    }

    public static async Task<Results<Ok<IReadOnlyList<MonthView>>, ProblemHttpResult>> GetMonthly(DateOnly? from, DateOnly? to, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var f = from ?? today.AddYears(-1);
        var t = to ?? today;
        if (t < f || t.DayNumber - f.DayNumber > 3660)
        {
            return Failure.Invalid("to", "must be on or after 'from', at most ten years later").ToProblem();
        }
        var rows = await AidFigures.EnteredAsync(db, new AidFigures.Period(f, t), ct);
        return TypedResults.Ok<IReadOnlyList<MonthView>>(AidFigures.Monthly(rows).Select(m => new MonthView(m.Year, m.Month, m.Trucks)).ToList());
    }

    public static async Task<IResult> GetExport(string table, HttpContext http, TrucelineDb db, CancellationToken ct)
    {
        var dot = table.LastIndexOf('.');
        var (name, format) = dot < 0 ? (table, "csv") : (table[..dot], table[(dot + 1)..]);
        if (AidExport.Find(name) is not { } t || format is not ("csv" or "json"))
        {
            return Failure.NotFound($"There is no table '{table}'. Tables: {string.Join(", ", AidExport.Tables.Select(x => x.Name + ".csv|.json"))}.").ToProblem();
        }
        if (!t.Public && http.User.Identity?.IsAuthenticated != true)
        {
            var auth = await http.AuthenticateAsync(BearerTokenHandler.SchemeName);
            if (!auth.Succeeded)
            {
                return TypedResults.Problem($"The table '{name}' holds organisations' records: sign in or send a token. Public tables: daily, governorate-figures.",
                    statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in required");
            }
            http.User = auth.Principal;
            db.Viewer = auth.Principal.ToViewer();
        }
        var simulated = await AidQueries.SimulatedAsync(db, ct);
        http.Response.Headers["X-Truceline-Simulated"] = simulated ? "true" : "false";
        if (format == "json")
        {
            http.Response.ContentType = "application/json; charset=utf-8";
            await AidExport.WriteJsonAsync(t, db, http.Response.Body, simulated, ct);
            return Results.Empty;
        }
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"truceline-aid-{name}{(simulated ? "-SIMULATED" : "")}.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), 64 * 1024);
        await AidExport.WriteCsvAsync(t, db, writer, ct);
        return Results.Empty;
    }

    private static AidFigures.Period Period(DateOnly? from, DateOnly? to, TimeProvider time, out Failure? failure)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var t = to ?? today;
        var f = from ?? t.AddDays(-27);
        failure = t < f || t.DayNumber - f.DayNumber > 366 ? Failure.Invalid("to", "must be on or after 'from', at most 366 days later") : null;
        return new AidFigures.Period(f, t);
    }
}
