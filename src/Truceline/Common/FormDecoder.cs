using System.Text;

namespace Truceline.Common;

/// <summary>
/// Decodes application/x-www-form-urlencoded bytes with strict UTF-8. ASP.NET's reader keeps an invalid
/// percent sequence such as %C3%28 as literal text; outside messages with a broken encoding must instead be
/// refused, naming the field, rather than stored mangled.
/// </summary>
public static class FormDecoder
{
    private static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);

    public static Outcome<Dictionary<string, string>> Decode(ReadOnlySpan<byte> body)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        // Latin-1 maps each byte to one char, so raw (unencoded) bytes survive to the strict UTF-8 decoding below.
        foreach (var pair in Encoding.Latin1.GetString(body).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var rawName = eq < 0 ? pair : pair[..eq];
            var rawValue = eq < 0 ? "" : pair[(eq + 1)..];
            if (!TryDecode(rawName, out var name) || !TryDecode(rawValue, out var value))
            {
                var field = TryDecode(rawName, out var n) ? n : "form";
                return Failure.Invalid(field, "arrived with a broken encoding (not UTF-8); nothing was stored");
            }
            fields.TryAdd(name, value); // the first occurrence wins, as gateways send each field once
        }
        return fields;
    }

    private static bool TryDecode(string text, out string decoded)
    {
        var bytes = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else if (c == '%' && i + 2 < text.Length && Uri.IsHexDigit(text[i + 1]) && Uri.IsHexDigit(text[i + 2]))
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
            }
            else
            {
                bytes.Add((byte)c);
            }
        }
        try
        {
            decoded = Strict.GetString(bytes.ToArray());
            return true;
        }
        catch (DecoderFallbackException)
        {
            decoded = "";
            return false;
        }
    }
}
