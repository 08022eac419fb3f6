using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Truceline.Transparency;

/// <summary>
/// The one byte form of a published record, so anyone can hash what they read and get the leaf: the JSON
/// Canonicalization Scheme (RFC 8785) for the values Truceline publishes. Object members sorted by their UTF-16 code
/// units, no whitespace, strings escaped only where JSON requires it. Numbers are limited to integers (amounts with
/// decimals are published as strings), which keeps every implementation's number formatting out of the hash.
/// </summary>
public static class CanonicalJson
{
    public const long MaxSafeInteger = (1L << 53) - 1;

    public static string Serialize(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node);
        return sb.ToString();
    }

    /// <summary>True when the text is exactly the canonical form of the JSON it holds.</summary>
    public static bool IsCanonical(string text)
    {
        try
        {
            return Serialize(JsonNode.Parse(text)) == text;
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            return false;
        }
    }

    private static void Write(StringBuilder sb, JsonNode? node)
    {
        switch (node)
        {
            case null:
                sb.Append("null");
                break;
            case JsonObject o:
                sb.Append('{');
                var first = true;
                foreach (var (key, value) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        sb.Append(',');
                    }
                    first = false;
                    WriteString(sb, key);
                    sb.Append(':');
                    Write(sb, value);
                }
                sb.Append('}');
                break;
            case JsonArray a:
                sb.Append('[');
                for (var i = 0; i < a.Count; i++)
                {
                    if (i > 0)
                    {
                        sb.Append(',');
                    }
                    Write(sb, a[i]);
                }
                sb.Append(']');
                break;
            case JsonValue v when v.TryGetValue<string>(out var text):
                WriteString(sb, text);
                break;
            case JsonValue v when v.TryGetValue<bool>(out var flag):
                sb.Append(flag ? "true" : "false");
                break;
            case JsonValue v when v.TryGetValue<long>(out var integer):
                // RFC 8785 writes numbers as IEEE doubles: integers past 2^53 would not survive, so they are refused.
                if (Math.Abs(integer) > MaxSafeInteger)
                {
                    throw new ArgumentException($"{integer} is beyond what every JSON reader holds exactly (2^53 - 1): publish it as a string.");
                }
                sb.Append(integer.ToString(CultureInfo.InvariantCulture));
                break;
            case JsonValue v when v.TryGetValue<int>(out var small):
                sb.Append(small.ToString(CultureInfo.InvariantCulture));
                break;
            case JsonValue v when v.TryGetValue<JsonElement>(out var element) && element.ValueKind == JsonValueKind.Null:
                sb.Append("null");
                break;
            default:
                throw new ArgumentException($"Only strings, integers, booleans and null are published as values, not {node.ToJsonString()}: write decimals as strings.");
        }
    }

    private static void WriteString(StringBuilder sb, string s)
    {
        // I-JSON (RFC 7493), which RFC 8785 requires: a lone surrogate is not a character, and would not hash the same anywhere.
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                throw new ArgumentException("A string holds a lone surrogate: it is not valid Unicode and cannot be published.");
            }
        }
        sb.Append('"');
        foreach (var c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        sb.Append('"');
    }
}
