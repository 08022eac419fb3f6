using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Grievances;

/// <summary>
/// A complaint arrives: from the public page, by SMS, or entered by staff for one taken by phone or in person. It is
/// stored encrypted, given deadlines from its severity, handed to the organisation that receives complaints (or to
/// the staff member's own), and the complainant gets a tracking code, shown once.
/// </summary>
public static class SubmitGrievance
{
    public const int MaxText = 4_000;

    public const int MaxContact = 200;

    /// <summary>The setting naming the organisation (its id) that receives complaints from the public page and SMS.</summary>
    public const string IntakeSetting = "grievances.intake-organisation";

    public sealed record Request(string? Category, string? Text, string? Contact, string? Governorate, string? Language,
        string? Provision = null, Guid? Incident = null, string? Severity = null, string? Channel = null);

    public sealed record Receipt(Guid Id, string TrackingCode, GrievanceState State, DateTime AcknowledgeBy, DateTime RespondBy);

    /// <summary>Letters and digits that are not mistaken for one another when read aloud or typed on a phone.</summary>
    private const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

    public static string NewTrackingCode()
    {
        Span<char> code = stackalloc char[11];
        for (var i = 0; i < code.Length; i++)
        {
            code[i] = i == 5 ? '-' : Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }
        return new string(code);
    }

    /// <summary>The code as typed (any case, spaces, dashes or none) to the form it was issued in, or null if it cannot be one.</summary>
    public static string? NormaliseCode(string? typed)
    {
        if (typed is null || typed.Length > 40)
        {
            return null;
        }
        var chars = typed.Where(c => !char.IsWhiteSpace(c) && c != '-').Select(char.ToUpperInvariant).ToArray();
        return chars.Length == 10 && chars.All(c => Alphabet.Contains(c)) ? new string(chars, 0, 5) + "-" + new string(chars, 5, 5) : null;
    }

    /// <summary>A complaint checked and encrypted, ready to store, with the code to show once it is stored.</summary>
    public sealed record Prepared(Grievance Grievance, GrievanceEvent Received, string TrackingCode)
    {
        public Receipt Receipt => new(Grievance.Id, TrackingCode, Grievance.State, Grievance.AcknowledgeBy, Grievance.RespondBy);
    }

    public static Task<Outcome<Receipt>> RunAsync(TrucelineDb db, PersonalData personalData, Request request, GrievanceChannel channel,
        string? replyTo, TimeProvider time, CancellationToken ct = default, string? messageKey = null) =>
        Writes.InTransactionAsync<Receipt>(db, async () =>
        {
            var prepared = await PrepareAsync(db, personalData, request, channel, replyTo, time, ct, messageKey);
            if (prepared.Failure is { } failure)
            {
                return failure;
            }
            db.Grievances.Add(prepared.Value!.Grievance);
            db.GrievanceEvents.Add(prepared.Value.Received);
            await db.SaveChangesAsync(ct);
            return prepared.Value.Receipt;
        }, ct);

    /// <summary>Checks the request and builds the rows (reads only, no transaction): the public page then stores them
    /// through <see cref="GrievanceIntake"/>, many per commit.</summary>
    public static async Task<Outcome<Prepared>> PrepareAsync(TrucelineDb db, PersonalData personalData, Request request, GrievanceChannel channel,
        string? replyTo, TimeProvider time, CancellationToken ct = default, string? messageKey = null)
        {
            var errors = new FieldErrors();
            if (!Enum.TryParse<GrievanceCategory>(request.Category, ignoreCase: true, out var category) || !Enum.IsDefined(category) || int.TryParse(request.Category, out _))
            {
                errors.Add("category", $"is required: one of {string.Join(", ", Enum.GetNames<GrievanceCategory>().Select(Camel))}");
            }
            var text = request.Text?.Trim();
            if (string.IsNullOrEmpty(text) || text.Length > MaxText)
            {
                errors.Add("text", $"is required: what happened, in at most {MaxText} characters");
            }
            var contact = string.IsNullOrWhiteSpace(request.Contact) ? null : request.Contact.Trim();
            if (contact is { Length: > MaxContact })
            {
                errors.Add("contact", $"is at most {MaxContact} characters (leave it empty to complain anonymously)");
            }
            var language = string.IsNullOrWhiteSpace(request.Language) ? "ar" : request.Language.Trim().ToLowerInvariant();
            if (language is not ("ar" or "en" or "he"))
            {
                errors.Add("language", "is ar, en or he");
            }
            var severity = category == GrievanceCategory.Safeguarding ? GrievanceSeverity.High : GrievanceSeverity.Medium;
            if (request.Severity is not null)
            {
                if (db.Viewer.UserId is null || !Enum.TryParse(request.Severity, ignoreCase: true, out severity) || !Enum.IsDefined(severity) || int.TryParse(request.Severity, out _))
                {
                    errors.Add("severity", "is low, medium, high or critical, and only staff set it");
                }
            }
            var governorate = string.IsNullOrWhiteSpace(request.Governorate) ? null : request.Governorate.Trim();
            if (governorate is not null && !await db.Zones.IgnoreQueryFilters().AnyAsync(z => z.Kind == Geo.ZoneKind.Governorate && z.Code == governorate, ct))
            {
                errors.Add("governorate", $"'{Clip(governorate)}' is not a governorate code");
            }
            var agreementId = await Plans.DefaultAgreement.IdAsync(db, ct);
            var provision = string.IsNullOrWhiteSpace(request.Provision) ? null : request.Provision.Trim();
            if (provision is not null && (agreementId is null || !await db.Provisions.IgnoreQueryFilters().AnyAsync(p => p.AgreementId == agreementId && p.Code == provision, ct)))
            {
                errors.Add("provision", $"'{Clip(provision)}' is not a provision of the agreement");
            }
            if (request.Incident is { } incident && !await db.Incidents.AnyAsync(i => i.Id == incident, ct))
            {
                errors.Add("incident", $"there is no incident {incident} that you may see");
            }
            if (errors.Any)
            {
                return errors.ToFailure();
            }
            // Grievance staff enter complaints for their own organisation's caseload; everyone else's go to the intake organisation.
            Guid handling;
            if (db.Viewer is { UserId: not null, OrganisationId: { } own, Role: Role.GrievanceOfficer or Role.SafeguardingOfficer or Role.GrievanceSupervisor })
            {
                handling = own;
            }
            else if (await IntakeOrganisationAsync(db, ct) is { } intake)
            {
                handling = intake;
            }
            else
            {
                return new Failure(FailureKind.Unavailable, "No organisation receives complaints yet",
                    "An administrator names the organisation that receives complaints (PUT /api/v1/grievances/intake), or adds a grievance officer; nothing was stored.");
            }
            var now = time.GetUtcNow().UtcDateTime;
            var (acknowledge, respond) = await DeadlinesAsync(db, agreementId, severity, ct);
            var code = NewTrackingCode();
            var sensitive = category == GrievanceCategory.Safeguarding;
            var readers = Grievance.Readers(handling, sensitive);
            var grievance = new Grievance
            {
                TrackingHash = personalData.Fingerprint(code)!,
                Channel = channel,
                Language = language,
                Category = category,
                Sensitive = sensitive,
                Severity = severity,
                State = GrievanceState.Received,
                GovernorateCode = governorate,
                AgreementId = agreementId,
                ProvisionCode = provision,
                IncidentId = request.Incident,
                Text = personalData.Protect(text)!,
                Contact = personalData.Protect(contact),
                ReplyTo = personalData.Protect(replyTo),
                MessageKey = messageKey,
                ReceivedAt = now,
                AcknowledgeBy = now.AddHours(acknowledge),
                RespondBy = now.AddHours(respond),
                HandlingOrganisationId = handling,
                ConfidentialTo = readers,
            };
            var received = new GrievanceEvent
            {
                GrievanceId = grievance.Id, At = now, Kind = "received", ByUserId = db.Viewer.UserId, ToOrganisationId = handling,
                Note = $"by {Camel(channel.ToString())}", ConfidentialTo = readers,
            };
            return new Prepared(grievance, received, code);
        }

    public static async Task<Guid?> IntakeOrganisationAsync(TrucelineDb db, CancellationToken ct)
    {
        var setting = await db.Settings.AsNoTracking().Where(s => s.Key == IntakeSetting).Select(s => s.Value).FirstOrDefaultAsync(ct);
        if (Guid.TryParse(setting, out var configured))
        {
            return configured;
        }
        // Until one is named: the organisation of the first grievance officer (a fresh install's only one).
        return await db.Users.IgnoreQueryFilters().Where(u => u.Role == Role.GrievanceOfficer).OrderBy(u => u.CreatedAt).ThenBy(u => u.Id)
            .Select(u => (Guid?)u.OrganisationId).FirstOrDefaultAsync(ct);
    }

    public static async Task<(int Acknowledge, int Respond)> DeadlinesAsync(TrucelineDb db, Guid? agreementId, GrievanceSeverity severity, CancellationToken ct)
    {
        var configured = agreementId is { } a
            ? await db.GrievanceDeadlines.AsNoTracking().FirstOrDefaultAsync(d => d.AgreementId == a && d.Severity == severity, ct)
            : null;
        return configured is null ? GrievanceDeadline.Default(severity) : (configured.AcknowledgeHours, configured.RespondHours);
    }

    public static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    private static string Clip(string s) => s.Length > 60 ? s[..60] + "…" : s;
}
