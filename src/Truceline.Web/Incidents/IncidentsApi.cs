using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;
using Truceline.Incidents;
using Truceline.Web.Access;

namespace Truceline.Web.Incidents;

public sealed record IncidentSummary(Guid Id, string State, DateOnly OccurredOn, double Latitude, double Longitude, int GeoPrecision, string? Governorate,
    string EventType, string? SubEventType, IReadOnlyList<string> AllegedParties, int ReportCount, int SourceCount, string Confidence,
    IReadOnlyList<string> ConfidenceReasons, string Classification);

public sealed record TransitionView(string From, string To, string Reason, string By, DateTime At);

public sealed record FindingView(Guid Id, string Verifier, Guid Organisation, string Conclusion, string Violation, IReadOnlyList<string> Provisions,
    string ResponsibleParty, string? Dissent, DateTime SignedAt);

public sealed record ReplyView(Guid Id, string Party, string Text, DateTime CreatedAt);

public sealed record QuorumView(int Required, int VerifiedBy, int NotVerifiedBy);

public sealed record IncidentDetail(IncidentSummary Incident, QuorumView Quorum, IReadOnlyList<ReportView> Reports, IReadOnlyList<TransitionView> Timeline,
    IReadOnlyList<FindingView> Findings, IReadOnlyList<ReplyView> Replies);

public sealed record IncidentPage(IReadOnlyList<IncidentSummary> Items, string? Next);

public static class IncidentsApi
{
    public static void MapIncidentsApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1").WithTags("Incidents")
            .RequireAuthorization(p => p.AddAuthenticationSchemes(BearerTokenHandler.SchemeName).RequireAuthenticatedUser());
        api.MapPost("/incidents/grouping", RunGrouping).RequireAuthorization(Permissions.Policy(Permission.StructureReports))
            .WithSummary("Group the reports not yet in an incident now (a background task also does it every few seconds)");
        api.MapGet("/incidents", ListIncidents).WithSummary("Incidents you may see, the most recent day first, by keyset pages (?cursor=). Grouping can move an incident's day, so a client walking pages while it runs de-duplicates by id");
        api.MapGet("/incidents/counts", GetCounts).WithSummary("Daily counts by type, totals by governorate and state, and the change on the previous period of the same length");
        api.MapGet("/incidents/{id:guid}", GetIncident).WithSummary("An incident: its reports, timeline, findings beside the replies, quorum");
        api.MapPost("/incidents/{id:guid}/transitions", PostTransition).RequireAuthorization(Permissions.Policy(Permission.ReviewIncidents))
            .WithSummary("Change the state; illegal transitions are refused (409); verified/not verified need the quorum");
        api.MapPost("/incidents/{id:guid}/merge", PostMerge).RequireAuthorization(Permissions.Policy(Permission.StructureReports))
            .WithSummary("Merge this incident into another (its reports move; this one is dismissed with the reason)");
        api.MapPost("/incidents/{id:guid}/split", PostSplit).RequireAuthorization(Permissions.Policy(Permission.StructureReports))
            .WithSummary("Split reports out into a new incident");
        api.MapPost("/incidents/{id:guid}/findings", PostFinding).RequireAuthorization(Permissions.Policy(Permission.SignFindings))
            .WithSummary("Sign a finding (verifiers; one each)");
        api.MapPost("/incidents/{id:guid}/replies", PostReply).RequireAuthorization(Permissions.Policy(Permission.ReplyToAllegations))
            .WithSummary("File the reply of a party the incident names (its liaison)");
    }

    private static string Camel(Enum value) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(value.ToString());

    public static IncidentSummary Summary(Incident i) => new(i.Id, Camel(i.State), i.OccurredOn, i.Latitude, i.Longitude, i.GeoPrecision, i.GovernorateCode,
        i.EventType, i.SubEventType, i.AllegedParties, i.ReportCount, i.SourceCount, Camel(i.Confidence), i.ConfidenceReasons, Camel(i.Classification));

    public static async Task<Ok<GroupReports.Outcome>> RunGrouping(TrucelineDb db, TimeProvider time, CancellationToken ct) =>
        TypedResults.Ok(await GroupReports.RunAsync(db, time, ct: ct));

    public static async Task<Results<Ok<IncidentCounts>, ProblemHttpResult>> GetCounts(DateOnly? from, DateOnly? to, string? eventType, IncidentState? state,
        string? governorate, string? party, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        if (from is { } f && to is { } t && (t < f || t.DayNumber - f.DayNumber > 366))
        {
            return Failure.Invalid("to", "must be on or after 'from', at most 366 days later").ToProblem();
        }
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        return TypedResults.Ok(await IncidentQueries.CountsAsync(db, new IncidentFilter(from, to, eventType, state, governorate, party), today, ct));
    }

    public static async Task<Results<Ok<IncidentPage>, ProblemHttpResult>> ListIncidents(string? cursor, int? limit, IncidentState? state, string? governorate,
        string? eventType, DateOnly? from, DateOnly? to, string? party, TrucelineDb db, CancellationToken ct)
    {
        if (limit is < 1 or > 500)
        {
            return Failure.Invalid("limit", "must be between 1 and 500").ToProblem();
        }
        (DateOnly Day, Guid Id)? after = null;
        if (cursor is not null)
        {
            if (ParseCursor(cursor) is not { } c)
            {
                return Failure.Invalid("cursor", "is not a cursor this API gave out").ToProblem();
            }
            after = c;
        }
        var query = db.Incidents.AsNoTracking();
        if (after is { } a)
        {
            // The first condition alone is what lets the index seek to the cursor; the rest orders within its day.
            query = query.Where(i => i.OccurredOn <= a.Day && (i.OccurredOn < a.Day || i.Id.CompareTo(a.Id) < 0));
        }
        query = new IncidentFilter(from, to, eventType, state, governorate, party).Apply(query);
        var size = limit ?? 100;
        // Newest by the day they happened, then by id: the index (occurred_on, id) serves a period's page without a sort.
        var items = await query.OrderByDescending(i => i.OccurredOn).ThenByDescending(i => i.Id).Take(size + 1).ToListAsync(ct);
        return TypedResults.Ok(new IncidentPage(items.Take(size).Select(Summary).ToList(), items.Count > size ? Cursor(items[size - 1]) : null));
    }

    /// <summary>A page's cursor: the last incident's day and id, opaque to clients.</summary>
    private static string Cursor(Incident last) => FormattableString.Invariant($"{last.OccurredOn:yyyy-MM-dd}_{last.Id}");

    private static (DateOnly, Guid)? ParseCursor(string cursor) =>
        cursor.Split('_') is [var day, var id]
        && DateOnly.TryParseExact(day, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var d)
        && Guid.TryParse(id, out var g)
            ? (d, g)
            : null;

    public static async Task<IncidentDetail?> DetailAsync(TrucelineDb db, Guid id, ClaimsPrincipal user, PersonalData personalData, CancellationToken ct)
    {
        var incident = await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (incident is null)
        {
            return null;
        }
        var reports = await db.Reports.AsNoTracking().Where(r => r.IncidentId == id).OrderBy(r => r.Id).ToListAsync(ct);
        var timeline = await db.IncidentTransitions.AsNoTracking().Where(t => t.IncidentId == id).OrderBy(t => t.RecordedAt).ToListAsync(ct);
        var findings = await db.Findings.AsNoTracking().Where(f => f.IncidentId == id).OrderBy(f => f.SignedAt).ToListAsync(ct);
        var replies = await db.Replies.AsNoTracking().Where(r => r.IncidentId == id).OrderBy(r => r.CreatedAt).ToListAsync(ct);
        var quorum = incident.AgreementId is { } a ? await db.Agreements.IgnoreQueryFilters().Where(x => x.Id == a).Select(x => x.VerificationQuorum).FirstAsync(ct) : 2;
        var readable = await ReportsApi.ReadableAgreementsAsync(db, ct);
        return new IncidentDetail(
            Summary(incident),
            new QuorumView(quorum,
                findings.Where(f => f.Conclusion == Conclusion.Verified).Select(f => f.VerifierOrganisationId).Distinct().Count(),
                findings.Where(f => f.Conclusion == Conclusion.NotVerified).Select(f => f.VerifierOrganisationId).Distinct().Count()),
            reports.Select(r => ReportsApi.View(r, user, personalData, readable)).ToList(),
            timeline.Select(t => new TransitionView(Camel(t.FromState), Camel(t.ToState), t.Reason, t.RecordedBy, t.RecordedAt)).ToList(),
            findings.Select(f => new FindingView(f.Id, f.VerifierName, f.VerifierOrganisationId, Camel(f.Conclusion), f.Violation, f.Provisions, f.ResponsibleParty, f.Dissent, f.SignedAt)).ToList(),
            replies.Select(r => new ReplyView(r.Id, r.PartyCode, r.Text, r.CreatedAt)).ToList());
    }

    public static async Task<Results<Ok<IncidentDetail>, ProblemHttpResult>> GetIncident(Guid id, ClaimsPrincipal user, TrucelineDb db, PersonalData personalData, CancellationToken ct) =>
        await DetailAsync(db, id, user, personalData, ct) is { } detail
            ? TypedResults.Ok(detail)
            : TypedResults.Problem($"There is no incident {id} that you may see.", statusCode: 404, title: "Not found");

    public static async Task<Results<Ok<TransitionView>, ProblemHttpResult>> PostTransition(Guid id, ChangeIncidentState.Request body, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var outcome = await ChangeIncidentState.RunAsync(db, id, body, time, ct);
        var t = outcome.Value;
        return outcome.Succeeded ? TypedResults.Ok(new TransitionView(Camel(t!.FromState), Camel(t.ToState), t.Reason, t.RecordedBy, t.RecordedAt)) : outcome.Failure!.ToProblem();
    }

    public static async Task<Results<Ok<IncidentSummary>, ProblemHttpResult>> PostMerge(Guid id, RegroupIncidents.MergeRequest body, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var outcome = await RegroupIncidents.MergeAsync(db, id, body, time, ct);
        return outcome.Succeeded ? TypedResults.Ok(Summary(outcome.Value!)) : outcome.Failure!.ToProblem();
    }

    public static async Task<Results<Created<IncidentSummary>, ProblemHttpResult>> PostSplit(Guid id, RegroupIncidents.SplitRequest body, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var outcome = await RegroupIncidents.SplitAsync(db, id, body, time, ct);
        return outcome.Succeeded ? TypedResults.Created($"/api/v1/incidents/{outcome.Value!.Id}", Summary(outcome.Value)) : outcome.Failure!.ToProblem();
    }

    public static async Task<Results<Created<FindingView>, ProblemHttpResult>> PostFinding(Guid id, RecordFinding.Request body, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var outcome = await RecordFinding.RunAsync(db, id, body, time, ct);
        if (!outcome.Succeeded)
        {
            return outcome.Failure!.ToProblem();
        }
        var f = outcome.Value!;
        return TypedResults.Created($"/api/v1/incidents/{id}", new FindingView(f.Id, f.VerifierName, f.VerifierOrganisationId, Camel(f.Conclusion), f.Violation, f.Provisions, f.ResponsibleParty, f.Dissent, f.SignedAt));
    }

    public static async Task<Results<Created<ReplyView>, ProblemHttpResult>> PostReply(Guid id, FileReply.Request body, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var outcome = await FileReply.RunAsync(db, id, body, time, ct);
        return outcome.Succeeded
            ? TypedResults.Created($"/api/v1/incidents/{id}", new ReplyView(outcome.Value!.Id, outcome.Value.PartyCode, outcome.Value.Text, outcome.Value.CreatedAt))
            : outcome.Failure!.ToProblem();
    }
}

/// <summary>Groups new reports into incidents every few seconds, on every node (the work is idempotent and serialised by the writer lock).</summary>
public sealed class IncidentGrouper(ServeOptions options, TimeProvider time, ILogger<IncidentGrouper> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(3), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await using var db = options.Database.CreateContext(time);
                    db.Viewer = Viewer.System("grouping");
                    var started = time.GetTimestamp();
                    var outcome = await GroupReports.RunAsync(db, time, batch: 1000, ct: stoppingToken, shareWriter: true);
                    if (outcome.Grouped > 0)
                    {
                        log.LogInformation("Grouped {Reports} reports ({New} new incidents; {Again} batches decided again) in {Milliseconds:0} ms", outcome.Grouped, outcome.NewIncidents, outcome.DecidedAgain,
                            time.GetElapsedTime(started).TotalMilliseconds);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The next tick retries: the reports stay ungrouped in the database until then.
                    log.LogError(e, "Grouping failed; it will be retried");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped, by the host or on its own (tests that group by hand): an exception out of a service stopped on its
            // own would have the host stop the whole application, as for a service that failed.
        }
    }
}
