namespace Truceline.Tests;

public static class TestPaths
{
    /// <summary>The repository root, found from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>../shared beside the work tree: public data the tests read in place.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Truceline.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("Truceline.slnx not found above the test binaries.");
    }
}
