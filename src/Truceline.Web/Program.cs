using Truceline.Web.Cli;

return await TrucelineCli.Build().Parse(args).InvokeAsync();
