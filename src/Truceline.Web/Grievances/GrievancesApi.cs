using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;
using Truceline.Grievances;
using Truceline.Web.Access;
using Truceline.Web.Incidents;

namespace Truceline.Web.Grievances;

public sealed record GrievanceEventView(DateTime At, string Kind, string? Note, string? From, string? To);

public sealed record GrievanceView(Guid Id, string Channel, string Language, string Category, bool Sensitive, string Severity, string State,
    string? Governorate, string? Provision, Guid? Incident, string Text, bool Anonymous, string? Contact, string HandlingOrganisation,
    DateTime ReceivedAt, DateTime AcknowledgeBy, DateTime RespondBy, DateTime? AcknowledgedAt, DateTime? RespondedAt, DateTime? ClosedAt,
    DateTime? EscalatedAt, bool Overdue, string? Response, bool? Satisfied, IReadOnlyList<GrievanceEventView> History);

public sealed record GrievanceSummary(Guid Id, string Channel, string Category, bool Sensitive, string Severity, string State, string? Governorate,
    DateTime ReceivedAt, DateTime RespondBy, DateTime? EscalatedAt, bool Overdue);

public sealed record TrackingView(string Code, string State, string Category, DateTime ReceivedAt, DateTime RespondBy, DateTime? AcknowledgedAt,
    DateTime? RespondedAt, DateTime? ClosedAt, string? Response, bool? Satisfied, bool CanClose, bool CanAppeal);

public static class GrievancesApi
{
    public const string TrackingPolicy = "grievance-tracking";

    public static void MapGrievancesApi(this IEndpointRouteBuilder routes)
    {
        var api = routes.MapGroup("/api/v1/grievances").WithTags("Grievances")
            .RequireAuthorization(p => p.AddAuthenticationSchemes(BearerTokenHandler.SchemeName).RequireAuthenticatedUser());
        var handle = Permissions.Policy(Permission.HandleGrievances);
        api.MapPost("", PostGrievance).RequireAuthorization(Permissions.Policy(Permission.EnterGrievances))
            .WithSummary("Enter a complaint taken by phone or in person (channel phone or inPerson); answers its tracking code, once");
        api.MapGet("", ListGrievances).RequireAuthorization(handle).WithSummary("The complaints your organisation handles (?state=, ?escalated=true), newest first");
        api.MapGet("/{id:guid}", GetGrievance).RequireAuthorization(handle).WithSummary("A complaint with its history; the contact only for the handling organisation");
        api.MapPost("/{id:guid}/acknowledge", (Guid id, AcknowledgeGrievance.Request r, TrucelineDb db, PersonalData pd, TimeProvider t, CancellationToken ct) =>
            Step(db, pd, t, AcknowledgeGrievance.RunAsync(db, id, r, t, ct))).RequireAuthorization(handle).WithSummary("Triage: severity (and category); the deadlines follow");
        api.MapPost("/{id:guid}/refer", (Guid id, ReferGrievance.Request r, TrucelineDb db, PersonalData pd, TimeProvider t, CancellationToken ct) =>
            Step(db, pd, t, ReferGrievance.RunAsync(db, id, r, t, ct))).RequireAuthorization(handle).WithSummary("Refer to the organisation responsible, with a reason");
        api.MapPost("/{id:guid}/decline", (Guid id, DeclineGrievance.Request r, TrucelineDb db, PersonalData pd, TimeProvider t, CancellationToken ct) =>
            Step(db, pd, t, DeclineGrievance.RunAsync(db, id, r, t, ct))).RequireAuthorization(handle).WithSummary("Decline a referral, with a reason: back to the referrer");
        api.MapPost("/{id:guid}/respond", RespondAsync).RequireAuthorization(handle).WithSummary("Answer the complainant (read with the code; sent by SMS to an SMS complaint)");
        api.MapPost("/{id:guid}/close", (Guid id, CloseGrievance.Request r, TrucelineDb db, PersonalData pd, TimeProvider t, CancellationToken ct) =>
            Step(db, pd, t, CloseGrievance.RunAsync(db, pd, id, r, t, ct))).RequireAuthorization(handle).WithSummary("Close with the complainant's feedback taken by phone");
        api.MapPost("/escalations", async (TrucelineDb db, TimeProvider t, CancellationToken ct) =>
            {
                var escalated = await EscalateOverdue.RunAsync(db, t, ct);
                // The figures are counted over every complaint (counts only), whoever asks: the console's view.
                var viewer = db.Viewer;
                db.Viewer = Viewer.System("grievance figures");
                var observations = await GrievanceFeeds.RecordAsync(db, t, ct);
                db.Viewer = viewer;
                return TypedResults.Ok(new { escalated, observations });
            })
            .RequireAuthorization(p => p.RequireRole([.. Permissions.RolesFor(Permission.HandleGrievances).Concat([Role.Administrator]).Select(r => r.ToString())]))
            .WithSummary("Escalate every complaint past a deadline, and record the finished days' figures in the plan metrics that follow them, now (the server also does both every minute)");
        api.MapPut("/deadlines", PutDeadlines).RequireAuthorization(Permissions.Policy(Permission.ConfigureGrievances))
            .WithSummary("Hours to acknowledge and to respond, per severity, for the agreement (?plan=, else the first)");
        api.MapPut("/intake", PutIntake).RequireAuthorization(Permissions.Policy(Permission.ConfigureGrievances))
            .WithSummary("The organisation that receives complaints from the public page and SMS");
        api.MapPost("/sms/inbound", PostSms).RequireAuthorization(Permissions.Policy(Permission.EnterGrievances)).DisableAntiforgery()
            .WithSummary("SMS gateway webhook (from, body, message id, time): a new complaint, or a tracking code's state; answered by SMS");

        // The complainant's own: no sign-in; the code is the key, tried at a limited rate per address.
        var track = routes.MapGroup("/api/v1/grievances/track").WithTags("Grievances").AllowAnonymous().RequireRateLimiting(TrackingPolicy);
        track.MapGet("/{code}", async (string code, TrucelineDb db, PersonalData pd, CancellationToken ct) =>
            await TrackGrievance.RunAsync(db, pd, code, ct) is { } v ? Results.Ok(Tracking(v)) : NoSuchCode()).WithSummary("A complaint's state and answer, by its tracking code");
        track.MapPost("/{code}/close", async (string code, CloseGrievance.Request r, TrucelineDb db, PersonalData pd, TimeProvider t, CancellationToken ct) =>
        {
            if (r.Satisfied is null)
            {
                return Failure.Invalid("satisfied", "is required: whether the answer resolves the complaint (true or false)").ToProblem();
            }
            var outcome = await CloseGrievance.ByComplainantAsync(db, pd, code, r.Satisfied.Value, r.Comment, t, ct);
            return outcome.Succeeded ? Results.Ok(Tracking(outcome.Value!)) : outcome.Failure!.ToProblem();
        }).DisableAntiforgery().WithSummary("Close your complaint with your feedback");
        track.MapPost("/{code}/appeal", async (string code, AppealRequest r, TrucelineDb db, PersonalData pd, TimeProvider t, CancellationToken ct) =>
        {
            var outcome = await AppealGrievance.ByComplainantAsync(db, pd, code, r.Reason, t, ct);
            return outcome.Succeeded ? Results.Ok(Tracking(outcome.Value!)) : outcome.Failure!.ToProblem();
        }).DisableAntiforgery().WithSummary("Appeal the answer, with your reason");

        routes.MapGet("/api/v1/open/grievances", PublicFigures).WithTags("Grievances").AllowAnonymous()
            .WithSummary("Public aggregates: complaints received and answered on time, by category and governorate (small counts suppressed)");
    }

    public sealed record AppealRequest(string? Reason);

    private static IResult NoSuchCode() => TypedResults.Problem("No complaint has this tracking code. Check it and try again.", statusCode: 404, title: "Not found");

    public static TrackingView Tracking(TrackGrievance.View v) => new(v.Code, Camel(v.State), Camel(v.Category), v.ReceivedAt, v.RespondBy, v.AcknowledgedAt,
        v.RespondedAt, v.ClosedAt, v.Response, v.Satisfied, v.CanClose, v.CanAppeal);

    private static string Camel<T>(T value) where T : Enum => SubmitGrievance.Camel(value.ToString());

    public sealed record Receipt(Guid Id, string TrackingCode, string State, DateTime AcknowledgeBy, DateTime RespondBy);

    public static async Task<Results<Created<Receipt>, ProblemHttpResult>> PostGrievance(SubmitGrievance.Request request, TrucelineDb db, PersonalData personalData,
        TimeProvider time, CancellationToken ct)
    {
        GrievanceChannel channel;
        if (request.Channel is null || !Enum.TryParse(request.Channel, ignoreCase: true, out channel) || int.TryParse(request.Channel, out _)
            || channel is not (GrievanceChannel.Phone or GrievanceChannel.InPerson))
        {
            return Failure.Invalid("channel", "is required: phone or inPerson (complaints by web and SMS arrive by themselves)").ToProblem();
        }
        var outcome = await SubmitGrievance.RunAsync(db, personalData, request, channel, null, time, ct);
        if (!outcome.Succeeded)
        {
            return outcome.Failure!.ToProblem();
        }
        var r = outcome.Value!;
        return TypedResults.Created($"/api/v1/grievances/{r.Id}", new Receipt(r.Id, r.TrackingCode, Camel(r.State), r.AcknowledgeBy, r.RespondBy));
    }

    public static async Task<Ok<List<GrievanceSummary>>> ListGrievances(TrucelineDb db, TimeProvider time, string? state, bool? escalated, int? limit, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var query = db.Grievances.AsNoTracking();
        if (Enum.TryParse<GrievanceState>(state, ignoreCase: true, out var s))
        {
            query = query.Where(g => g.State == s);
        }
        if (escalated == true)
        {
            query = query.Where(g => g.EscalatedAt != null && g.State != GrievanceState.Closed && g.State != GrievanceState.Responded);
        }
        var rows = await query.OrderByDescending(g => g.ReceivedAt).ThenByDescending(g => g.Id).Take(Math.Clamp(limit ?? 200, 1, 1000)).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(g => Summary(g, now)).ToList());
    }

    public static GrievanceSummary Summary(Grievance g, DateTime now) => new(g.Id, Camel(g.Channel), Camel(g.Category), g.Sensitive, Camel(g.Severity), Camel(g.State),
        g.GovernorateCode, g.ReceivedAt, g.RespondBy, g.EscalatedAt, IsOverdue(g, now));

    public static bool IsOverdue(Grievance g, DateTime now) => Grievance.IsOverdue(g.State, g.AcknowledgeBy, g.RespondBy, now);

    public static async Task<Results<Ok<GrievanceView>, ProblemHttpResult>> GetGrievance(Guid id, TrucelineDb db, PersonalData personalData, TimeProvider time, CancellationToken ct)
    {
        var g = await db.Grievances.AsNoTracking().FirstOrDefaultAsync(x => x.Id == id, ct);
        return g is null ? Failure.NotFound($"There is no complaint {id} that you may handle.").ToProblem() : TypedResults.Ok(await ViewAsync(db, personalData, g, time, ct));
    }

    public static async Task<GrievanceView> ViewAsync(TrucelineDb db, PersonalData personalData, Grievance g, TimeProvider time, CancellationToken ct)
    {
        var events = await db.GrievanceEvents.AsNoTracking().Where(e => e.GrievanceId == g.Id).OrderBy(e => e.At).ThenBy(e => e.Id).ToListAsync(ct);
        var orgIds = events.SelectMany(e => new[] { e.FromOrganisationId, e.ToOrganisationId }).OfType<Guid>().Append(g.HandlingOrganisationId).Distinct().ToList();
        var names = await db.Organisations.IgnoreQueryFilters().AsNoTracking().Where(o => orgIds.Contains(o.Id)).ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        // Only the officers of the organisation handling the case read how to reach the complainant: not the one that
        // referred it on, not their supervisors (who see the case, to chase it, but never need to call anyone).
        var handling = db.Viewer.OrganisationId == g.HandlingOrganisationId && db.Viewer.Role is Role.GrievanceOfficer or Role.SafeguardingOfficer;
        return new GrievanceView(g.Id, Camel(g.Channel), g.Language, Camel(g.Category), g.Sensitive, Camel(g.Severity), Camel(g.State), g.GovernorateCode,
            g.ProvisionCode, g.IncidentId, personalData.Unprotect(g.Text) ?? "", g.Contact is null && g.ReplyTo is null,
            handling ? personalData.Unprotect(g.Contact) ?? (g.ReplyTo is null ? null : "SMS " + personalData.Unprotect(g.ReplyTo)) : null,
            names.GetValueOrDefault(g.HandlingOrganisationId, "?"), g.ReceivedAt, g.AcknowledgeBy, g.RespondBy, g.AcknowledgedAt, g.RespondedAt, g.ClosedAt,
            g.EscalatedAt, IsOverdue(g, time.GetUtcNow().UtcDateTime), g.Response, g.Satisfied,
            events.Select(e => new GrievanceEventView(e.At, e.Kind, Note(personalData, e.Note),
                e.FromOrganisationId is { } f ? names.GetValueOrDefault(f) : null, e.ToOrganisationId is { } t ? names.GetValueOrDefault(t) : null)).ToList());
    }

    /// <summary>A note the complainant wrote (an appeal, a closing comment) is stored encrypted; staff notes are not.</summary>
    private static string? Note(PersonalData personalData, string? note) =>
        note is not null && PersonalData.IsProtected(note) ? personalData.Unprotect(note) : note;

    private static async Task<IResult> Step(TrucelineDb db, PersonalData personalData, TimeProvider time, Task<Outcome<Grievance>> step)
    {
        var outcome = await step;
        if (!outcome.Succeeded)
        {
            return outcome.Failure!.ToProblem();
        }
        // The case as this officer may now see it (a referral or a safeguarding category may take it out of their hands).
        var g = await db.Grievances.AsNoTracking().FirstOrDefaultAsync(x => x.Id == outcome.Value!.Id);
        return g is null
            ? TypedResults.Ok(new { id = outcome.Value!.Id, state = Camel(outcome.Value.State), handedOver = true })
            : TypedResults.Ok(await ViewAsync(db, personalData, g, time, default));
    }

    public static async Task<IResult> RespondAsync(Guid id, RespondToGrievance.Request request, TrucelineDb db, PersonalData personalData, TimeProvider time,
        SmsOutbox outbox, CancellationToken ct)
    {
        var outcome = await RespondToGrievance.RunAsync(db, id, request, time, ct);
        if (outcome.Succeeded)
        {
            await outbox.SendAnswerAsync(outcome.Value!, personalData, ct);
        }
        return await Step(db, personalData, time, Task.FromResult(outcome));
    }

    public sealed record DeadlineSetting(string? Severity, int? AcknowledgeHours, int? RespondHours);

    public static async Task<IResult> PutDeadlines(List<DeadlineSetting> settings, string? plan, TrucelineDb db, CancellationToken ct)
    {
        var agreement = plan is null ? await Truceline.Plans.DefaultAgreement.IdAsync(db, ct)
            : (await Truceline.Plans.Files.PlanLookup.FindAgreementAsync(db, plan, ct))?.Id;
        if (agreement is not { } agreementId)
        {
            return Failure.NotFound(plan is null ? "No agreement has been imported yet." : $"There is no plan '{plan}' that you may see.").ToProblem();
        }
        var errors = new FieldErrors();
        var parsed = new List<GrievanceDeadline>();
        for (var i = 0; i < settings.Count; i++)
        {
            var s = settings[i];
            if (!Enum.TryParse<GrievanceSeverity>(s.Severity, ignoreCase: true, out var severity) || int.TryParse(s.Severity, out _) || !Enum.IsDefined(severity))
            {
                errors.Add($"[{i}].severity", "is low, medium, high or critical");
                continue;
            }
            if (s.AcknowledgeHours is not (>= 1 and <= 24 * 90) || s.RespondHours is not (>= 1 and <= 24 * 365) || s.RespondHours < s.AcknowledgeHours)
            {
                errors.Add($"[{i}]", "acknowledgeHours (1 to 2160) and respondHours (1 to 8760, not before acknowledging) are required");
                continue;
            }
            parsed.Add(new GrievanceDeadline { AgreementId = agreementId, Severity = severity, AcknowledgeHours = s.AcknowledgeHours.Value, RespondHours = s.RespondHours.Value });
        }
        if (parsed.Select(p => p.Severity).Distinct().Count() != parsed.Count)
        {
            errors.Add("severity", "each severity at most once");
        }
        if (errors.Any || settings.Count == 0)
        {
            return (settings.Count == 0 ? Failure.Invalid("body", "is a list of {severity, acknowledgeHours, respondHours}") : errors.ToFailure()).ToProblem();
        }
        var outcome = await Writes.InTransactionAsync<int>(db, async () =>
        {
            var severities = parsed.Select(p => p.Severity).ToList();
            db.GrievanceDeadlines.RemoveRange(await db.GrievanceDeadlines.Where(d => d.AgreementId == agreementId && severities.Contains(d.Severity)).ToListAsync(ct));
            await db.SaveChangesAsync(ct);
            db.GrievanceDeadlines.AddRange(parsed);
            await db.SaveChangesAsync(ct);
            return parsed.Count;
        }, ct);
        return TypedResults.Ok(new { agreement = agreementId, deadlines = parsed.Select(p => new { severity = Camel(p.Severity), p.AcknowledgeHours, p.RespondHours }) });
    }

    public sealed record IntakeSetting(string? Organisation);

    public static async Task<IResult> PutIntake(IntakeSetting request, TrucelineDb db, CancellationToken ct)
    {
        var name = request.Organisation?.Trim();
        var org = string.IsNullOrEmpty(name) ? null
            : Guid.TryParse(name, out var byId) ? await db.Organisations.IgnoreQueryFilters().FirstOrDefaultAsync(o => o.Id == byId, ct)
            : await db.Organisations.IgnoreQueryFilters().FirstOrDefaultAsync(o => o.Name == name, ct);
        if (org is null)
        {
            return Failure.Invalid("organisation", string.IsNullOrEmpty(name) ? "is required" : $"'{name}' is not an organisation").ToProblem();
        }
        await Writes.InTransactionAsync<bool>(db, async () =>
        {
            var setting = await db.Settings.FirstOrDefaultAsync(s => s.Key == SubmitGrievance.IntakeSetting, ct);
            if (setting is null)
            {
                db.Settings.Add(new Setting { Key = SubmitGrievance.IntakeSetting, Value = org.Id.ToString() });
            }
            else
            {
                setting.Value = org.Id.ToString();
            }
            await db.SaveChangesAsync(ct);
            return true;
        }, ct);
        return TypedResults.Ok(new { organisation = org.Name, id = org.Id });
    }

    public sealed record SmsAnswer(Guid? Grievance, bool Duplicate, bool Replied);

    public static async Task<IResult> PostSms(HttpRequest request, TrucelineDb db, PersonalData personalData, TimeProvider time, SmsOutbox outbox, CancellationToken ct)
    {
        var (message, problem) = await ReportsApi.ReadSmsAsync(request, ct);
        if (problem is not null)
        {
            return problem;
        }
        var outcome = await ReceiveGrievanceSms.RunAsync(db, personalData, message!, time, ct);
        if (!outcome.Succeeded)
        {
            return outcome.Failure!.ToProblem();
        }
        var r = outcome.Value!;
        if (r.Reply is not null)
        {
            await outbox.SendAsync(message!.From!.Trim(), r.Reply, ct);
        }
        return TypedResults.Ok(new SmsAnswer(r.GrievanceId, r.Duplicate, r.Reply is not null && outbox.Target is not null));
    }

    public sealed record FigureRow(string Key, int? Received, int? AnsweredOnTime, int? Open);

    public sealed record PublicGrievanceFigures(int Received, int Answered, int AnsweredOnTime, int Overdue, IReadOnlyList<FigureRow> ByCategory,
        IReadOnlyList<FigureRow> ByGovernorate, int SuppressedBelow, string Licence);

    /// <summary>Counts only, with any count from 1 to 4 left out (null), so that a small number cannot point to a person;
    /// and every count, totals included, rounded to the nearest 5, so that a left-out one cannot be found by subtraction.</summary>
    public const int SuppressBelow = 5;

    public static int RoundToFive(int n) => (int)(Math.Round(n / 5.0, MidpointRounding.AwayFromZero) * 5);

    public static async Task<Ok<PublicGrievanceFigures>> PublicFigures(TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var rows = (await db.Grievances.IgnoreQueryFilters().AsNoTracking()
            .Select(g => new { g.Category, g.GovernorateCode, g.State, g.RespondedAt, g.RespondBy, g.AcknowledgeBy }).ToListAsync(ct))
            .Select(g => new Counted(Camel(g.Category), g.GovernorateCode ?? "unknown", g.RespondedAt != null && g.RespondedAt <= g.RespondBy,
                Grievance.IsOpen(g.State), g.RespondedAt != null, Grievance.IsOverdue(g.State, g.AcknowledgeBy, g.RespondBy, now))).ToList();
        int? Safe(int n) => n is > 0 and < SuppressBelow ? null : RoundToFive(n);
        FigureRow Row(string key, List<Counted> items) => new(key, Safe(items.Count), Safe(items.Count(x => x.OnTime)), Safe(items.Count(x => x.Open)));
        return TypedResults.Ok(new PublicGrievanceFigures(RoundToFive(rows.Count), RoundToFive(rows.Count(r => r.Answered)), RoundToFive(rows.Count(r => r.OnTime)),
            RoundToFive(rows.Count(r => r.Overdue)),
            rows.GroupBy(r => r.Category).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Row(g.Key, [.. g])).ToList(),
            rows.GroupBy(r => r.Governorate).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Row(g.Key, [.. g])).ToList(),
            SuppressBelow, Truceline.Transparency.OpenData.Licence));
    }

    private sealed record Counted(string Category, string Governorate, bool OnTime, bool Open, bool Answered, bool Overdue);
}
