using System.Text;

namespace Truceline.Common;

/// <summary>Reads outside text (an upload, a file) with a size limit and strict UTF-8: a broken encoding is an
/// error that names itself, never silently replaced characters in stored data.</summary>
public static class TextInput
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static async Task<Outcome<byte[]>> ReadBytesAsync(Stream stream, int maxBytes, string field, CancellationToken ct = default)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return Failure.Invalid(field, $"must be at most {maxBytes / 1024} KiB");
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public static async Task<Outcome<string>> ReadUtf8Async(Stream stream, int maxBytes, string field, CancellationToken ct = default)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return new Failure(FailureKind.Invalid, "Too large", $"{field}: larger than {maxBytes / 1024 / 1024} MiB",
                    new Dictionary<string, string[]> { [field] = [$"must be at most {maxBytes / 1024 / 1024} MiB"] });
            }
            buffer.Write(chunk, 0, read);
        }
        try
        {
            var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
            // A byte-order mark is allowed and dropped.
            if (bytes.StartsWith(Encoding.UTF8.Preamble))
            {
                bytes = bytes[3..];
            }
            return Strict.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            return Failure.Invalid(field, $"is not valid UTF-8 (bad byte at offset {e.Index})");
        }
    }
}
