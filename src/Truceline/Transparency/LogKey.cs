using System.Text;

namespace Truceline.Transparency;

/// <summary>
/// The log's signing key, kept in a file beside the database (never in it: whoever can rewrite the database must not
/// also be able to sign a rewritten tree). Made on first start; its name is the log's origin line.
/// </summary>
public static class LogKey
{
    public const string DefaultOrigin = "truceline.local/log";

    /// <summary>The server's key: made on first start. Only the server makes one; see <see cref="Existing"/>.</summary>
    public static NoteSigner FromFile(string path, TimeProvider clock)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var origin = Environment.GetEnvironmentVariable("TRUCELINE_LOG_ORIGIN") is { Length: > 0 } o ? o : DefaultOrigin;
            WriteSecret(path, NoteSigner.Generate(origin, NoteKeyType.Ed25519, clock).ToSignerKey());
        }
        return Existing(path, clock)!;
    }

    /// <summary>The key if its file exists; null otherwise. The command line uses this: a tool run from another folder
    /// must not make a second key and sign with it.</summary>
    public static NoteSigner? Existing(string path, TimeProvider clock)
    {
        if (!File.Exists(path))
        {
            return null;
        }
        var parsed = NoteSigner.Parse(File.ReadAllText(path).Trim(), clock);
        return parsed.Succeeded ? parsed.Value! : throw new InvalidOperationException($"{path} does not hold a log signing key: {parsed.Failure!.Detail}");
    }

    /// <summary>Writes a private key to a new file that only its owner can read, from the moment it exists.</summary>
    public static void WriteSecret(string path, string key)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using var stream = new FileStream(path, options);
        stream.Write(Encoding.ASCII.GetBytes(key + "\n"));
    }
}
