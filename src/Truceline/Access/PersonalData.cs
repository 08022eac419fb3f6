using System.Security.Cryptography;
using System.Text;

namespace Truceline.Access;

/// <summary>
/// Encrypts personal data (a source's or complainant's identity) with AES-256-GCM under a key that is not in
/// the database: a file beside it (created on first use, readable by its owner only) or named by
/// $TRUCELINE_PII_KEY_FILE. A stolen database file alone reveals nothing; the key must be backed up separately.
/// </summary>
public sealed class PersonalData
{
    private const string Prefix = "pd1:";
    private readonly byte[] _key;

    public PersonalData(byte[] key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("The personal-data key must be 32 bytes.", nameof(key));
        }
        _key = key;
    }

    /// <summary>Whether a stored value is ciphertext of this system (rather than text kept in clear).</summary>
    public static bool IsProtected(string? stored) => stored?.StartsWith(Prefix, StringComparison.Ordinal) == true;

    public static PersonalData FromFile(string path)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var key = RandomNumberGenerator.GetBytes(32);
            using (var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
            {
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
                stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(key)));
            }
        }
        var bytes = Convert.FromBase64String(File.ReadAllText(path).Trim());
        return new PersonalData(bytes);
    }

    public string? Protect(string? plain)
    {
        if (string.IsNullOrEmpty(plain))
        {
            return null;
        }
        var data = Encoding.UTF8.GetBytes(plain);
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        var cipher = new byte[data.Length];
        using (var aes = new AesGcm(_key, tag.Length))
        {
            aes.Encrypt(nonce, data, cipher, tag);
        }
        return Prefix + Convert.ToBase64String([.. nonce, .. tag, .. cipher]);
    }

    /// <summary>The same value always gives the same fingerprint (HMAC-SHA256 under the key, after trimming and
    /// lower-casing), so two reports from one source can be counted as one; the value cannot be read back.</summary>
    public string? Fingerprint(string? plain) =>
        string.IsNullOrWhiteSpace(plain) ? null
        : Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes("fingerprint:" + plain.Trim().ToLowerInvariant())));

    public string? Unprotect(string? stored)
    {
        if (string.IsNullOrEmpty(stored))
        {
            return null;
        }
        if (!stored.StartsWith(Prefix, StringComparison.Ordinal))
        {
            throw new CryptographicException("Not personal data protected by this system.");
        }
        var bytes = Convert.FromBase64String(stored[Prefix.Length..]);
        var nonce = bytes.AsSpan(0, 12);
        var tag = bytes.AsSpan(12, 16);
        var cipher = bytes.AsSpan(28);
        var plain = new byte[cipher.Length];
        using var aes = new AesGcm(_key, tag.Length);
        aes.Decrypt(nonce, cipher, tag, plain);
        return Encoding.UTF8.GetString(plain);
    }
}
