using Spectre.Console;
using Truceline.Web.Cli;

// Redirected output (a log, a pipe, a test) is read whole: do not wrap it at 80 columns.
if (Console.IsOutputRedirected)
{
    AnsiConsole.Profile.Width = 1000;
}
return await TrucelineCli.Build().Parse(args).InvokeAsync();
