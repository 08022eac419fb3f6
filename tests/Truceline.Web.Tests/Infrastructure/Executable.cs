using System.Diagnostics;

namespace Truceline.Web.Tests.Infrastructure;

/// <summary>Runs the real 'truceline' executable (the web project's build output) as a user would.</summary>
public static class Executable
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string All => Output + Error;
    }

    private static string Dll
    {
        get
        {
            // artifacts/bin/Truceline.Web.Tests/<config>/ → artifacts/bin/Truceline.Web/<config>/Truceline.Web.dll
            var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var dll = Path.Combine(testDir.Parent!.Parent!.FullName, "Truceline.Web", testDir.Name, "Truceline.Web.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException("Build the solution first: the CLI is not at " + dll);
        }
    }

    public static Task<Result> RunAsync(params string[] args) => RunAsync(new Dictionary<string, string>(), args);

    public static async Task<Result> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["NO_COLOR"] = "1";
        start.Environment["COLUMNS"] = "200";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output, await error);
    }
}
