using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Truceline.Common;
using Truceline.Data;
using Truceline.SituationReports;

namespace Truceline.Web.Pages.SituationReports;

/// <summary>The fields of the report form, shared by the new and the detail pages; the same request as the API's.</summary>
public sealed class SituationReportForm
{
    public string? Agreement { get; set; }

    public string? Title { get; set; }

    public DateOnly? PeriodFrom { get; set; }

    public DateOnly? PeriodTo { get; set; }

    public string? Language { get; set; } = "en";

    public string? Classification { get; set; } = "restricted";

    /// <summary>Log entry numbers, separated by commas or spaces.</summary>
    public string? Citations { get; set; }

    public string? Text { get; set; }

    public string? CorrectionNote { get; set; }

    /// <summary>The request, or the failure naming the entry number that is not one.</summary>
    public Outcome<WriteSituationReport.Request> ToRequest()
    {
        var citations = new List<long>();
        foreach (var token in (Citations ?? "").Split([',', ' ', ';', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!long.TryParse(token.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                return Failure.Invalid("citations", $"'{token}' is not a log entry number");
            }
            citations.Add(index);
        }
        return new WriteSituationReport.Request(Agreement, Title, PeriodFrom, PeriodTo, Language, Text, citations, Classification,
            string.IsNullOrWhiteSpace(CorrectionNote) ? null : CorrectionNote);
    }

    /// <summary>The agreements the user may read (code and title), by code: those a situation report or an incident report may name.</summary>
    public static async Task<IReadOnlyList<(string Code, string Title)>> AgreementsAsync(TrucelineDb db, CancellationToken ct) =>
        (await db.Agreements.AsNoTracking().OrderBy(a => a.Code).Select(a => new { a.Code, a.Title }).ToListAsync(ct)).Select(a => (a.Code, a.Title)).ToList();
}
