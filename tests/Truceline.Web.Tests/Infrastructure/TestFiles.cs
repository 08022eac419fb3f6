using System.Text.Json;
using System.Text.Json.Serialization;

namespace Truceline.Web.Tests.Infrastructure;

public static class TestFiles
{
    /// <summary>The repository root, found from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string GazaPlan => Path.Combine(Root, "data", "plans", "gaza-comprehensive-plan.json");

    /// <summary>../shared beside the work tree: the public data the project may read in place.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(Root, "..", "shared"));

    /// <summary>A language's table of page texts (English text to translation), as the app embeds it.</summary>
    public static Dictionary<string, string> LanguageTable(string language) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(Path.Combine(Root, "src", "Truceline.Web", "Languages", language + ".json")))!;

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Truceline.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("The repository root (Truceline.slnx) was not found above the test binaries.");
    }
}

public static class Json
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
