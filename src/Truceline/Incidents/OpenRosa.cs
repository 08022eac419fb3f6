using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Xml;
using Truceline.Common;

namespace Truceline.Incidents;

/// <summary>
/// OpenRosa 1.0, the protocol of ODK Collect and KoboCollect: the incident form as an XForm, and a reader of the
/// instances the field apps submit. The reader refuses DTDs (so external entities and entity expansion),
/// resolves nothing outside the document, is bounded in size and depth, reads elements by local name (the
/// apps write <c>orx:</c> prefixes, some samples without declaring them) and never throws on bad input:
/// every problem is a <see cref="Failure"/> naming the form's field.
/// </summary>
public static partial class OpenRosa
{
    public const string FormId = "truceline-incident";

    public const string FormVersion = "2026.1";

    public const string FormTitle = "Truceline incident report";

    /// <summary>The multipart part that carries the instance, as ODK Collect names it.</summary>
    public const string XmlPart = "xml_submission_file";

    public const int MaxInstanceBytes = 1024 * 1024;

    private const int MaxDepth = 32;

    public static byte[] FormBytes { get; } = Encoding.UTF8.GetBytes(FormXml);

    // OpenRosa names a form's revision by the MD5 of its bytes: a change detector for the apps, not a security check.
    public static string FormHash { get; } = "md5:" + Convert.ToHexStringLower(MD5.HashData(FormBytes));

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

    /// <summary>A submitted instance as read: which form, its instanceID, and each leaf's text by its path of local
    /// names below the root ("meta/instanceID"; the first occurrence of a repeated path wins).</summary>
    public sealed record Instance(string FormId, string? Version, string InstanceId, bool Encrypted, IReadOnlyDictionary<string, string> Fields)
    {
        public string? Field(string path) => Fields.TryGetValue(path, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static readonly XmlReaderSettings Settings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = MaxInstanceBytes,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = true,
    };

    /// <summary>Reads an instance from the bytes of the <c>xml_submission_file</c> part: strict UTF-8, at most 1 MiB.</summary>
    public static Outcome<Instance> ReadInstance(ReadOnlySpan<byte> xml)
    {
        if (xml.Length > MaxInstanceBytes)
        {
            return Failure.Invalid(XmlPart, $"must be at most {MaxInstanceBytes / 1024} KiB");
        }
        if (xml.StartsWith(Encoding.UTF8.Preamble))
        {
            xml = xml[3..];
        }
        string text;
        try
        {
            text = StrictUtf8.GetString(xml);
        }
        catch (DecoderFallbackException e)
        {
            return Failure.Invalid(XmlPart, $"is not valid UTF-8 (bad byte at offset {e.Index}); nothing was stored");
        }
        return ReadInstance(text);
    }

    public static Outcome<Instance> ReadInstance(string xml)
    {
        // DtdProcessing.Prohibit refuses it too; this says so in words a sender can act on.
        if (xml.Contains("<!DOCTYPE", StringComparison.Ordinal))
        {
            return Failure.Invalid(XmlPart, "contains a DOCTYPE: DTDs and entity declarations are refused (no external entities, no entity expansion)");
        }
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var open = new Stack<(string Path, bool Owned)>();
        string? formId = null;
        string? version = null;
        var encrypted = false;
        try
        {
            using var reader = XmlReader.Create(new StringReader(xml), Settings, PrefixesOfTheFieldApps());
            while (reader.Read())
            {
                if (reader.Depth > MaxDepth)
                {
                    return Failure.Invalid(XmlPart, $"is nested more than {MaxDepth} elements deep");
                }
                switch (reader.NodeType)
                {
                    case XmlNodeType.Element when reader.Depth == 0:
                        formId = reader.GetAttribute("id");
                        version = reader.GetAttribute("version");
                        encrypted = reader.GetAttribute("encrypted") == "yes";
                        break;
                    case XmlNodeType.Element:
                        var path = open.Count == 0 ? reader.LocalName : open.Peek().Path + "/" + reader.LocalName;
                        var owned = fields.TryAdd(path, "");
                        if (!reader.IsEmptyElement)
                        {
                            open.Push((path, owned));
                        }
                        break;
                    case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.SignificantWhitespace when open.Count > 0 && open.Peek().Owned:
                        fields[open.Peek().Path] += reader.Value;
                        break;
                    case XmlNodeType.EndElement when open.Count > 0:
                        open.Pop();
                        break;
                    default:
                        break;
                }
            }
        }
        catch (XmlException e)
        {
            return Failure.Invalid(XmlPart, $"is not well-formed XML: {e.Message}");
        }
        if (string.IsNullOrWhiteSpace(formId))
        {
            return Failure.Invalid("id", "the instance's root element has no id attribute naming its form");
        }
        var instanceId = fields.GetValueOrDefault("meta/instanceID")?.Trim();
        if (string.IsNullOrEmpty(instanceId))
        {
            return Failure.Invalid("meta/instanceID", "is required: the instance's own id (jr:preload=\"uid\"), by which a resubmission is recognised");
        }
        if (instanceId.Length > 128)
        {
            return Failure.Invalid("meta/instanceID", "must be at most 128 characters");
        }
        return new Instance(formId, version, instanceId, encrypted, fields);
    }

    /// <summary>The prefixes ODK tools write, in scope even where a document forgets to declare them.</summary>
    private static XmlParserContext PrefixesOfTheFieldApps()
    {
        var names = new NameTable();
        var prefixes = new XmlNamespaceManager(names);
        prefixes.AddNamespace("orx", "http://openrosa.org/xforms");
        prefixes.AddNamespace("jr", "http://openrosa.org/javarosa");
        prefixes.AddNamespace("odk", "http://www.opendatakit.org/xforms");
        prefixes.AddNamespace("entities", "http://www.opendatakit.org/xforms/entities");
        return new XmlParserContext(names, prefixes, null, XmlSpace.None);
    }

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
            instance.Field("sub_event_type"), instance.Field("description"), parties, fatalities, Classification: null);
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
