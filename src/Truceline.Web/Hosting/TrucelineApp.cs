using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Localization;
using Microsoft.EntityFrameworkCore;
using Truceline.Data;
using Truceline.Web.Aid;
using Truceline.Web.Access;
using Truceline.Web.Geo;
using Truceline.Web.Incidents;
using Truceline.Web.Plans;

namespace Truceline.Web;

public sealed record ServeOptions(DatabaseTarget Database, string Urls, bool Demo, TimeProvider? Time = null, string? ContentRoot = null,
    Truceline.Access.PersonalData? PersonalData = null, Truceline.Transparency.NoteSigner? LogSigner = null);

/// <summary>Builds the web application. Used by 'truceline serve' and by the tests, which start the same app on a free port.</summary>
public static class TrucelineApp
{
    public static WebApplication Build(ServeOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = options.ContentRoot ?? AppContext.BaseDirectory,
            WebRootPath = Path.Combine(options.ContentRoot ?? AppContext.BaseDirectory, "wwwroot"),
            EnvironmentName = Environments.Production,
            // Pages are found in this assembly even when the host process is another one (the tests).
            ApplicationName = typeof(TrucelineApp).Assembly.GetName().Name,
        });
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // 'serve' prints the address itself; and the key ring is in the database by design (see README).
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);

        if (options.Demo && string.IsNullOrEmpty(builder.Configuration["Grievances:SmsOutbound"]))
        {
            // The demo's SMS answers go to a file beside the database, to read instead of a real gateway.
            builder.Configuration["Grievances:SmsOutbound"] = "file:" + Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.Database.PersonalDataKeyFile))!, "sms-outbox.jsonl");
        }
        var time = options.Time ?? TimeProvider.System;
        var services = builder.Services;
        services.AddSingleton(time);
        services.AddSingleton(options.Database);
        services.AddSingleton(options);
        services.AddHttpContextAccessor();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<Truceline.Geo.ZoneCatalog>();
        services.AddHostedService<IncidentGrouper>();
        services.AddHostedService<WalCopying>();
        services.AddSingleton<Truceline.Web.Access.TokenCache>();
        services.AddHostedService(sp => sp.GetRequiredService<Truceline.Web.Access.TokenCache>());
        // Created by the container (not passed in) so that it is disposed at shutdown, answering what is queued.
        services.AddSingleton(sp => new Truceline.Incidents.ReportIntake(options.Database, time, sp.GetRequiredService<Truceline.Geo.ZoneCatalog>()));
        services.AddSingleton(_ => new Truceline.Grievances.GrievanceIntake(options.Database, time));
        services.AddSingleton(options.PersonalData ?? Truceline.Access.PersonalData.FromFile(options.Database.PersonalDataKeyFile));
        services.AddSingleton(options.LogSigner ?? Truceline.Transparency.LogKey.FromFile(options.Database.LogKeyFile, time));
        services.AddHostedService<Truceline.Web.Transparency.CheckpointSigner>();
        services.AddHttpClient("sms", c => c.Timeout = TimeSpan.FromSeconds(15));
        services.AddSingleton<Truceline.Web.Grievances.SmsOutbox>();
        services.AddHostedService<Truceline.Web.Grievances.GrievanceEscalator>();
        services.AddOutputCache(PublicCache.Configure);
        services.AddSingleton<PublicCache>();
        services.AddHostedService(sp => sp.GetRequiredService<PublicCache>());
        services.AddRateLimiter(o =>
        {
            o.OnRejected = async (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                await Problems.WriteAsync(context.HttpContext, StatusCodes.Status429TooManyRequests, "Too many attempts",
                    "Too many tracking codes were tried from this address; wait a minute and try again.");
            };
            // A tracking code is the key to a complaint: tries are limited per address. 30 a minute leaves room for many phones
            // behind one carrier NAT; against 31^10 possible codes, guessing stays hopeless at that rate.
            o.AddPolicy(Truceline.Web.Grievances.GrievancesApi.TrackingPolicy, http => System.Threading.RateLimiting.RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new System.Threading.RateLimiting.FixedWindowRateLimiterOptions
                {
                    PermitLimit = builder.Configuration.GetValue("Grievances:TrackingPerMinute", 30), Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
                }));
        });
        services.AddScoped(sp =>
        {
            var db = options.Database.CreateContext(time);
            db.Viewer = sp.GetRequiredService<IHttpContextAccessor>().HttpContext?.User.ToViewer() ?? Truceline.Access.Viewer.Anonymous;
            return db;
        });

        services.AddDataProtection().SetApplicationName("truceline");
        services.Configure<KeyManagementOptions>(o => o.XmlRepository = new DatabaseKeyRing(options.Database, time));
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(o =>
            {
                o.LoginPath = "/account/signin";
                o.LogoutPath = "/account/signout";
                o.AccessDeniedPath = "/account/denied";
                o.Cookie.Name = "truceline";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.SlidingExpiration = true;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
            })
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null);
        services.AddAuthorization(o =>
        {
            foreach (var permission in Enum.GetValues<Permission>())
            {
                o.AddPolicy(Permissions.Policy(permission), p => p.RequireRole(Permissions.RolesFor(permission).Select(r => r.ToString())));
            }
        });

        services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Instance ??= c.HttpContext.Request.Path;
            c.ProblemDetails.Detail ??= c.ProblemDetails.Status switch
            {
                404 => $"Nothing is at {c.HttpContext.Request.Path}.",
                405 => $"{c.HttpContext.Request.Method} is not allowed on {c.HttpContext.Request.Path}.",
                _ => null,
            };
        });
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
            o.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });
        services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "Truceline API";
            doc.Info.Description = "Implementation monitoring and independent verification of a phased ceasefire agreement. Authenticate with 'Authorization: Bearer <token>'.";
            return Task.CompletedTask;
        }));
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        services.AddLocalization();
        services.AddSingleton<Microsoft.Extensions.Localization.IStringLocalizerFactory, JsonStringLocalizerFactory>();
        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/Plans");
            o.Conventions.AuthorizeFolder("/Incidents");
            o.Conventions.AuthorizeFolder("/Reports");
            o.Conventions.AuthorizeFolder("/Aid");
            o.Conventions.AuthorizeFolder("/SituationReports");
            // The dashboard shows aggregates only: public by design.
            o.Conventions.AllowAnonymousToPage("/Aid/Index");
            o.Conventions.AllowAnonymousToPage("/Aid/Daily");
            o.Conventions.AllowAnonymousToFolder("/Log");
            o.Conventions.AllowAnonymousToFolder("/Public");
            o.Conventions.AllowAnonymousToFolder("/Complaint");
            o.Conventions.AuthorizeFolder("/Grievances", Permissions.Policy(Permission.HandleGrievances));
            o.Conventions.AuthorizeFolder("/ComplaintEntry", Permissions.Policy(Permission.EnterGrievances));
            // The public portal's plan pages: the access rule's query filter shows a signed-out visitor public records only.
            o.Conventions.AllowAnonymousToPage("/Plans/Overview");
            o.Conventions.AllowAnonymousToPage("/Plans/Dependencies");
            o.Conventions.AllowAnonymousToPage("/Plans/Provision");
            // The portal's pages, cached for visitors (never for a signed-in user) until the log changes. Not the log's own
            // pages: they show the rows as stored, so that tampering shows (and fails verification) at once.
            foreach (var page in new[] { "/Index", "/Public/Incidents", "/Public/Reports", "/Public/Report", "/Plans/Overview", "/Plans/Dependencies", "/Plans/Provision" })
            {
                o.Conventions.AddPageApplicationModelConvention(page, m => m.EndpointMetadata.Add(new Microsoft.AspNetCore.OutputCaching.OutputCacheAttribute { PolicyName = PublicCache.Policy }));
            }
        }).AddViewLocalization();
        services.Configure<RequestLocalizationOptions>(Languages.Configure);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseExceptionHandler(new ExceptionHandlerOptions { ExceptionHandler = HandleException });
        app.UseStatusCodePages(async ctx =>
        {
            var http = ctx.HttpContext;
            if (http.Request.Path.StartsWithSegments("/api") || http.Request.Path.StartsWithSegments("/openapi"))
            {
                await Problems.WriteAsync(http, http.Response.StatusCode, ReasonPhrase(http.Response.StatusCode), DefaultDetail(http));
            }
        });
        // Pages only: the API and open data answer the same bytes whatever the caller's language (numbers, dates, CSV).
        app.UseWhen(ctx => !ctx.Request.Path.StartsWithSegments("/api"), b => b.UseRequestLocalization());
        app.UseStaticFiles();
        app.UseRouting();
        app.UseRateLimiter();
        app.UseOpenRosaVersionHeader();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseOutputCache();
        app.UseAntiforgery();

        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "api/docs";
            o.SwaggerEndpoint("/openapi/v1.json", "Truceline API v1");
            o.DocumentTitle = "Truceline API";
        });
        app.MapHealthChecks("/health", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            ResponseWriter = async (ctx, report) =>
            {
                ctx.Response.ContentType = "application/json";
                await ctx.Response.WriteAsJsonAsync(new { status = report.Status.ToString().ToLowerInvariant(), database = options.Database.Provider.ToString().ToLowerInvariant() });
            },
        }).AllowAnonymous();

        app.MapAccessApi();
        app.MapPlansApi();
        app.MapZonesApi();
        app.MapReportsApi();
        app.MapIncidentsApi();
        app.MapOpenRosaApi();
        app.MapEvidenceApi();
        app.MapAidApi();
        Truceline.Web.Transparency.LogApi.MapLogApi(app);
        Truceline.Web.Transparency.OpenDataApi.MapOpenDataApi(app);
        Truceline.Web.Grievances.GrievancesApi.MapGrievancesApi(app);
        Truceline.Web.SituationReports.SituationReportsApi.MapSituationReportsApi(app);
        app.MapLanguageSwitch();
        app.MapRazorPages();
        return app;
    }

    private static async Task HandleException(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        if (error is BadHttpRequestException bad)
        {
            var detail = bad.InnerException is JsonException json
                ? $"The request body is not valid JSON for this endpoint: {json.Message.Split(" Path:", 2)[0]} (at {json.Path ?? "$"})."
                : bad.Message;
            await Problems.WriteAsync(context, bad.StatusCode, "Bad request", detail);
            return;
        }
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Truceline").LogError(error, "Unhandled error on {Path}", context.Request.Path);
        await Problems.WriteAsync(context, StatusCodes.Status500InternalServerError, "Internal error",
            "Something went wrong on our side; nothing was changed. The error is in the server log.");
    }

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);

    private static string DefaultDetail(HttpContext http) => http.Response.StatusCode switch
    {
        404 => $"Nothing is at {http.Request.Path}.",
        405 => $"{http.Request.Method} is not allowed on {http.Request.Path}.",
        413 => http.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>()?.MaxRequestBodySize is { } limit
            ? $"The request body is too large: {http.Request.Path} accepts at most {limit} bytes ({limit / 1024 / 1024.0:0.#} MiB)."
            : "The request body is too large for this endpoint.",
        415 => "Send the request body as application/json.",
        _ => ReasonPhrase(http.Response.StatusCode),
    };
}

public sealed class DatabaseHealthCheck(TrucelineDb db) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
{
    public async Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await db.Database.CanConnectAsync(cancellationToken)
            ? Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy()
            : Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("database unreachable");
}
