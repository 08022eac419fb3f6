using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Grievances;

/// <summary>
/// A text message to the grievance number. A message that is only a tracking code (with or without a word before it)
/// asks for that complaint's state; anything else is a new complaint, whose tracking code is sent back. The same
/// gateway message id delivered twice is one complaint (and no second answer). The sender's number is kept
/// encrypted, to answer by SMS, and is never shown.
/// </summary>
public static class ReceiveGrievanceSms
{
    public sealed record Result(Guid? GrievanceId, bool Duplicate, string Language, string? Reply);

    public static Task<Outcome<Result>> RunAsync(TrucelineDb db, PersonalData personalData, Incidents.ReceiveSms.Message message, TimeProvider time,
        CancellationToken ct = default) =>
        Writes.InTransactionAsync<Result>(db, async () =>
        {
            var errors = new FieldErrors();
            if (string.IsNullOrWhiteSpace(message.From) || message.From.Length > 40)
            {
                errors.Add("from", "is required: the sender's number (at most 40 characters)");
            }
            if (string.IsNullOrWhiteSpace(message.Body) || message.Body.Length > Incidents.ReceiveSms.MaxBodyLength)
            {
                errors.Add("body", $"is required: the message text (at most {Incidents.ReceiveSms.MaxBodyLength} characters)");
            }
            if (string.IsNullOrWhiteSpace(message.MessageId) || message.MessageId.Length > 200)
            {
                errors.Add("message_id", "is required: the gateway's id for the message (at most 200 characters), so a message delivered twice is one complaint");
            }
            if (errors.Any)
            {
                return errors.ToFailure();
            }
            var body = message.Body!.Trim();
            var language = LanguageOf(body);
            var key = personalData.Fingerprint("grievance-sms:" + message.MessageId);
            if (await db.Grievances.IgnoreQueryFilters().Where(g => g.MessageKey == key).Select(g => (Guid?)g.Id).FirstOrDefaultAsync(ct) is { } existing)
            {
                return new Result(existing, true, language, null);
            }
            var words = body.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            var asked = words.Length <= 3 ? SubmitGrievance.NormaliseCode(string.Concat(words.Skip(words.Length > 1 && SubmitGrievance.NormaliseCode(words[0]) is null ? 1 : 0))) : null;
            if (asked is not null)
            {
                var view = await TrackGrievance.RunAsync(db, personalData, asked, ct);
                return new Result(null, false, language, view is null ? Text(language, "unknown") : Status(language, view));
            }
            var submitted = await SubmitGrievance.RunAsync(db, personalData, new SubmitGrievance.Request("other", body, null, null, language),
                GrievanceChannel.Sms, message.From!.Trim(), time, ct, key);
            if (submitted.Failure is { } failure)
            {
                return failure;
            }
            return new Result(submitted.Value!.Id, false, language, string.Format(System.Globalization.CultureInfo.InvariantCulture, Text(language, "received"), submitted.Value.TrackingCode));
        }, ct);

    /// <summary>Arabic or Hebrew if the message is written in that script; English otherwise.</summary>
    public static string LanguageOf(string text) =>
        text.Any(c => c is >= '\u0600' and <= '\u06FF') ? "ar" : text.Any(c => c is >= '\u0590' and <= '\u05FF') ? "he" : "en";

    public static string Status(string language, TrackGrievance.View view) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, Text(language, "status"), view.Code, Text(language, "state." + SubmitGrievance.Camel(view.State.ToString())))
        + (view.Response is { } r ? " " + Text(language, "answer") + " " + r : "");

    /// <summary>The answer to a complaint, as the SMS that carries it.</summary>
    public static string Answer(string language, string code, string response) =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, Text(language, "answered"), code) + " " + response;

    private static readonly Dictionary<string, string> Texts = new()
    {
        ["en:received"] = "Your complaint was received. Tracking code: {0}. Send the code to this number, or enter it on the complaints page, to see its state and the answer.",
        ["ar:received"] = "تم استلام شكواك. رمز المتابعة: {0}. أرسل الرمز إلى هذا الرقم، أو أدخله في صفحة الشكاوى، لمعرفة حالتها والرد عليها.",
        ["he:received"] = "תלונתך התקבלה. קוד מעקב: {0}. שלחו את הקוד למספר זה, או הזינו אותו בדף התלונות, כדי לראות את מצבה ואת התשובה.",
        ["en:unknown"] = "No complaint has this tracking code. Check the code and send it again.",
        ["ar:unknown"] = "لا توجد شكوى بهذا الرمز. تحقق من الرمز وأرسله مرة أخرى.",
        ["he:unknown"] = "אין תלונה עם קוד מעקב זה. בדקו את הקוד ושלחו אותו שוב.",
        ["en:status"] = "Complaint {0}: {1}.",
        ["ar:status"] = "الشكوى {0}: {1}.",
        ["he:status"] = "תלונה {0}: {1}.",
        ["en:answer"] = "Answer:",
        ["ar:answer"] = "الرد:",
        ["he:answer"] = "תשובה:",
        ["en:answered"] = "Your complaint {0} has been answered:",
        ["ar:answered"] = "تم الرد على شكواك {0}:",
        ["he:answered"] = "התקבלה תשובה לתלונתך {0}:",
        ["en:state.received"] = "received", ["ar:state.received"] = "تم الاستلام", ["he:state.received"] = "התקבלה",
        ["en:state.acknowledged"] = "being handled", ["ar:state.acknowledged"] = "قيد المعالجة", ["he:state.acknowledged"] = "בטיפול",
        ["en:state.referred"] = "referred to the organisation responsible", ["ar:state.referred"] = "أحيلت إلى الجهة المسؤولة", ["he:state.referred"] = "הועברה לגורם האחראי",
        ["en:state.responded"] = "answered", ["ar:state.responded"] = "تم الرد", ["he:state.responded"] = "נענתה",
        ["en:state.closed"] = "closed", ["ar:state.closed"] = "مغلقة", ["he:state.closed"] = "נסגרה",
        ["en:state.appealed"] = "under appeal", ["ar:state.appealed"] = "قيد الاستئناف", ["he:state.appealed"] = "בערעור",
    };

    private static string Text(string language, string key) => Texts.GetValueOrDefault(language + ":" + key) ?? Texts["en:" + key];
}
