using Truceline.Access;
using Truceline.Common;

namespace Truceline.Incidents;

/// <summary>
/// An SMS from a gateway's inbound webhook: kept as raw text, the sender's number encrypted, stored as an
/// unstructured report a coordinator structures later. The gateway's message id makes redelivery harmless.
/// </summary>
public static class ReceiveSms
{
    public const int MaxBodyLength = 1600; // ten concatenated SMS segments

    public sealed record Message(string? From, string? Body, string? MessageId, DateTime? SentAt);

    /// <summary>The field names common gateways post, first match wins (Twilio, Vonage, Africa's Talking, Infobip, generic).</summary>
    public static Message FromForm(Func<string, string?> field)
    {
        string? First(params string[] names) => names.Select(field).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        var sent = First("time", "date", "timestamp", "message-timestamp", "receivedAt", "sent_at");
        return new Message(
            First("from", "From", "msisdn", "sender", "phone"),
            First("body", "Body", "text", "message", "content"),
            First("message_id", "messageId", "MessageSid", "SmsSid", "id", "message-id"),
            DateTime.TryParse(sent, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null);
    }

    public static Task<Outcome<SubmitReport.Result>> RunAsync(Data.TrucelineDb db, PersonalData personalData, Message message, SubmitReport.Submitter gateway,
        TimeProvider time, CancellationToken ct = default)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(message.From))
        {
            errors.Add("from", "is required: the sender's number");
        }
        if (string.IsNullOrWhiteSpace(message.Body))
        {
            errors.Add("body", "is required: the message text");
        }
        else if (message.Body.Length > MaxBodyLength)
        {
            errors.Add("body", $"must be at most {MaxBodyLength} characters");
        }
        if (string.IsNullOrWhiteSpace(message.MessageId))
        {
            errors.Add("message_id", "is required: the gateway's id for the message, so a redelivery is recognised");
        }
        else if (message.MessageId.Length > 128)
        {
            errors.Add("message_id", "must be at most 128 characters");
        }
        if (errors.Any)
        {
            return Task.FromResult<Outcome<SubmitReport.Result>>(errors.ToFailure());
        }
        var now = time.GetUtcNow().UtcDateTime;
        var sent = message.SentAt is { } s && s <= now.AddMinutes(5) ? s : now;
        var report = new Report
        {
            Channel = Channel.Sms,
            ClientId = message.MessageId!.Trim(),
            ReceivedAt = now,
            SubmittedByUserId = gateway.UserId,
            SubmittedByOrganisationId = gateway.OrganisationId,
            SourceType = SourceType.Civilian,
            SourceIdentity = personalData.Protect(message.From!.Trim()),
            SourceFingerprint = personalData.Fingerprint(message.From),
            Source = "SMS",
            Structured = false,
            OccurredOn = DateOnly.FromDateTime(sent),
            TimePrecision = 1,
            GeoPrecision = 3,
            RawText = message.Body,
            Classification = Classification.Restricted,
            OwnerOrganisationId = gateway.OrganisationId,
        };
        return SubmitReport.StoreAsync(db, report, ct);
    }
}
