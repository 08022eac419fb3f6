using System.Globalization;
using Truceline.Common;

namespace Truceline.Incidents;

public static partial class OpenRosa
{
    /// <summary>ACLED's event types: the form's choice value and the name stored on the report.</summary>
    public static readonly IReadOnlyList<(string Value, string Name)> EventTypes =
    [
        ("battles", "Battles"),
        ("explosions", "Explosions/Remote violence"),
        ("violence_against_civilians", "Violence against civilians"),
        ("strategic_developments", "Strategic developments"),
        ("protests", "Protests"),
        ("riots", "Riots"),
    ];

    /// <summary>An instance of the incident form as the request every channel submits; <paramref name="today"/> bounds the date.</summary>
    public static Outcome<SubmitReport.Request> ToRequest(Instance instance, DateOnly today)
    {
        if (instance.FormId != FormId)
        {
            return Failure.Invalid("id", $"'{instance.FormId}' is not a form this server offers; download '{FormId}' from the form list");
        }
        if (instance.Encrypted)
        {
            return Failure.Invalid("id", "this is an encrypted submission; the incident form is not encrypted, so it cannot be read here");
        }
        var errors = new FieldErrors();
        SourceType? sourceType = null;
        if (instance.Field("source_type") is { } st)
        {
            sourceType = Enum.GetValues<SourceType>().Cast<SourceType?>().FirstOrDefault(v => ChoiceValue(v!.Value) == st);
            if (sourceType is null)
            {
                errors.Add("source_type", $"'{st}' is not one of {string.Join(", ", Enum.GetValues<SourceType>().Select(ChoiceValue))}");
            }
        }
        var (occurredOn, occurredTime) = When(instance.Field("occurred"), instance.Field("occurred_time"), errors);
        var (latitude, longitude) = Geopoint(instance.Field("location"), errors);
        var geoPrecision = Integer(instance.Field("geo_precision"), "geo_precision", errors);
        var fatalities = Integer(instance.Field("fatalities"), "fatalities", errors);
        string? eventType = null;
        if (instance.Field("event_type") is { } et)
        {
            eventType = EventTypes.FirstOrDefault(e => e.Value == et || string.Equals(e.Name, et, StringComparison.OrdinalIgnoreCase)).Name;
            if (eventType is null)
            {
                errors.Add("event_type", $"'{et}' is not one of {string.Join(", ", EventTypes.Select(e => e.Value))}");
            }
        }
        var parties = instance.Field("alleged_parties")?.Split([',', ';', '\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        var request = new SubmitReport.Request(instance.InstanceId, sourceType, instance.Field("source_identity"), instance.Field("source"),
            occurredOn, occurredTime, TimePrecision: null, latitude, longitude, geoPrecision, instance.Field("place_name"), eventType,
            instance.Field("sub_event_type"), instance.Field("description"), parties, fatalities, Classification: null,
            Agreement: instance.Field("agreement"));
        // The shared rules, named as the form names its fields; a field already found wrong is not reported twice.
        var found = errors.Any ? errors.ToFailure().Errors! : new Dictionary<string, string[]>();
        foreach (var (field, messages) in InFormTerms(SubmitReport.Validate(request, today).ToFailure()).Errors ?? new Dictionary<string, string[]>())
        {
            if (!found.ContainsKey(field))
            {
                foreach (var message in messages)
                {
                    errors.Add(field, message);
                }
            }
        }
        return errors.Any ? errors.ToFailure() : request;
    }

    public static string ChoiceValue(SourceType type) => char.ToLowerInvariant(type.ToString()[0]) + type.ToString()[1..];

    private static readonly Dictionary<string, string> FormFieldOf = new(StringComparer.Ordinal)
    {
        ["clientId"] = "meta/instanceID",
        ["sourceType"] = "source_type",
        ["sourceIdentity"] = "source_identity",
        ["occurredOn"] = "occurred",
        ["timePrecision"] = "occurred",
        ["latitude"] = "location",
        ["longitude"] = "location",
        ["geoPrecision"] = "geo_precision",
        ["placeName"] = "place_name",
        ["eventType"] = "event_type",
        ["subEventType"] = "sub_event_type",
        ["allegedParties"] = "alleged_parties",
    };

    /// <summary>A failure from the shared report rules, its fields renamed as the incident form names them.</summary>
    public static Failure InFormTerms(Failure failure)
    {
        if (failure.Errors is null || failure.Kind != FailureKind.Invalid)
        {
            return failure;
        }
        var renamed = new FieldErrors();
        foreach (var (field, messages) in failure.Errors)
        {
            foreach (var message in messages)
            {
                renamed.Add(FormFieldOf.GetValueOrDefault(field, field), message);
            }
        }
        return renamed.ToFailure();
    }

    /// <summary>The date as given; with a time (ODK sends its offset, "06:40:00.000+02:00"), the instant in UTC and its UTC day.</summary>
    private static (DateOnly? On, TimeOnly? Time) When(string? date, string? time, FieldErrors errors)
    {
        if (date is null)
        {
            return (null, null);
        }
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            errors.Add("occurred", $"'{date}' is not a date (YYYY-MM-DD)");
            return (null, null);
        }
        if (time is null)
        {
            return (day, null);
        }
        string[] formats = ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK"];
        if (!DateTimeOffset.TryParseExact($"{date}T{time}", formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            errors.Add("occurred_time", $"'{time}' is not a time of day (HH:MM:SS, optionally with an offset such as +02:00)");
            return (day, null);
        }
        var utc = at.UtcDateTime;
        return (DateOnly.FromDateTime(utc), TimeOnly.FromDateTime(utc));
    }

    /// <summary>An ODK geopoint: "latitude longitude [altitude [accuracy]]", decimal degrees.</summary>
    private static (double? Latitude, double? Longitude) Geopoint(string? text, FieldErrors errors)
    {
        if (text is null)
        {
            return (null, null);
        }
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var numbers = parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : (double?)null).ToList();
        if (parts.Length is < 2 or > 4 || numbers.Any(n => n is null))
        {
            errors.Add("location", $"'{Shorten(text)}' is not a geopoint (\"latitude longitude altitude accuracy\" in decimal degrees)");
            return (null, null);
        }
        var (lat, lon) = (numbers[0]!.Value, numbers[1]!.Value);
        if (lat is < -90 or > 90)
        {
            errors.Add("location", $"latitude {lat.ToString(CultureInfo.InvariantCulture)} is out of range (-90 to 90)");
        }
        if (lon is < -180 or > 180)
        {
            errors.Add("location", $"longitude {lon.ToString(CultureInfo.InvariantCulture)} is out of range (-180 to 180)");
        }
        return (lat, lon);
    }

    private static int? Integer(string? text, string field, FieldErrors errors)
    {
        if (text is null)
        {
            return null;
        }
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        errors.Add(field, $"'{Shorten(text)}' is not a whole number");
        return null;
    }

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
