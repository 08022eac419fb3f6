using System.Text.Json;

namespace Truceline.Web.Grievances;

/// <summary>
/// Where answers by SMS go: configured, never hard-coded (Grievances:SmsOutbound). "https://…" posts each message as
/// JSON {to, text} to the operator's SMS provider; "file:PATH" appends it as a JSON line (the demo's sink); empty
/// sends nothing. A failed send is logged without the number or the text, and the answer stays readable with the code.
/// </summary>
public sealed class SmsOutbox(IConfiguration configuration, IHttpClientFactory http, ILogger<SmsOutbox> log, TimeProvider time)
{
    private static readonly SemaphoreSlim FileLock = new(1, 1);

    public string? Target => configuration["Grievances:SmsOutbound"] is { Length: > 0 } t ? t : null;

    /// <summary>The answer to a complaint that came by SMS, sent back to its number (the page and the API answer alike).
    /// The code is not kept (only its hash), so the SMS names the complaint by the day it was sent.</summary>
    public async Task SendAnswerAsync(Truceline.Grievances.Grievance g, Truceline.Access.PersonalData personalData, CancellationToken ct)
    {
        if (g.Channel == Truceline.Grievances.GrievanceChannel.Sms && g.Response is not null && personalData.Unprotect(g.ReplyTo) is { } phone)
        {
            await SendAsync(phone, Truceline.Grievances.ReceiveGrievanceSms.Answer(g.Language,
                g.ReceivedAt.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), g.Response), ct);
        }
    }

    public async Task SendAsync(string to, string text, CancellationToken ct)
    {
        var target = Target;
        if (target is null)
        {
            return;
        }
        try
        {
            var message = new { to, text, at = time.GetUtcNow().UtcDateTime };
            if (target.StartsWith("file:", StringComparison.Ordinal))
            {
                await FileLock.WaitAsync(ct);
                try
                {
                    await File.AppendAllTextAsync(target[5..], JsonSerializer.Serialize(message) + "\n", ct);
                }
                finally
                {
                    FileLock.Release();
                }
            }
            else
            {
                using var response = await http.CreateClient("sms").PostAsJsonAsync(target, message, ct);
                response.EnsureSuccessStatusCode();
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException or UnauthorizedAccessException or TaskCanceledException)
        {
            log.LogWarning("An SMS could not be handed to the outbound gateway ({Error}); the answer stays readable with the tracking code.", e.GetType().Name);
        }
    }
}
