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

    public const string FormVersion = "2026.2";

    public const string FormTitle = "Truceline incident report";

    /// <summary>The multipart part that carries the instance, as ODK Collect names it.</summary>
    public const string XmlPart = "xml_submission_file";

    public const int MaxInstanceBytes = 1024 * 1024;

    private const int MaxDepth = 32;

    public static byte[] FormBytes { get; } = Encoding.UTF8.GetBytes(FormXml);

    // OpenRosa names a form's revision by the MD5 of its bytes: a change detector for the apps, not a security check.
    public static string FormHash { get; } = "md5:" + Convert.ToHexStringLower(MD5.HashData(FormBytes));

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
}
