using System.Text;

namespace Truceline.Transparency;

/// <summary>
/// The log's signing key, kept in a file beside the database (never in it: whoever can rewrite the database must not
/// also be able to sign a rewritten tree). Made on first start; its name is the log's origin line.
/// </summary>
public static class LogKey
{
    public const string DefaultOrigin = "truceline.local/log";

    public static NoteSigner FromFile(string path, TimeProvider clock)
    {
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var origin = Environment.GetEnvironmentVariable("TRUCELINE_LOG_ORIGIN") is { Length: > 0 } o ? o : DefaultOrigin;
            var created = NoteSigner.Generate(origin, NoteKeyType.Ed25519, clock);
            using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
            stream.Write(Encoding.ASCII.GetBytes(created.ToSignerKey() + "\n"));
        }
        var parsed = NoteSigner.Parse(File.ReadAllText(path).Trim(), clock);
        return parsed.Succeeded ? parsed.Value! : throw new InvalidOperationException($"{path} does not hold a log signing key: {parsed.Failure!.Detail}");
    }
}
