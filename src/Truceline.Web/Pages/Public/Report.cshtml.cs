using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Truceline.Data;
using Truceline.Transparency;

namespace Truceline.Web.Pages.Public;

/// <summary>One published situation report, exactly as its latest log entry says, with every entry of its history.</summary>
public sealed class ReportModel(TrucelineDb db) : PageModel
{
    public ReportsModel.Item Report { get; private set; } = null!;

    public string Text { get; private set; } = "";

    public IReadOnlyList<long> Citations { get; private set; } = [];

    public string? CorrectionNote { get; private set; }

    public string? WithdrawalReason { get; private set; }

    public IReadOnlyList<(long Index, DateTime PublishedAt, int Version, bool Withdrawn)> History { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var record = id.ToString();
        var entries = await db.LogEntries.AsNoTracking().Where(e => e.Kind == Publications.SituationReport && e.RecordId == record)
            .OrderBy(e => e.Index).ToListAsync(ct);
        if (entries.Count == 0)
        {
            return NotFound();
        }
        var rows = entries.Select(OpenData.Row.Of).ToList();
        Report = ReportsModel.ToItem(rows[^1]);
        var content = rows[^1].Content;
        Text = (string?)content["text"] ?? "";
        Citations = content["citations"]?.AsArray().Select(c => (long)c!).ToList() ?? [];
        CorrectionNote = (string?)content["correctionNote"];
        WithdrawalReason = (string?)content["withdrawalReason"];
        History = rows.Select(r => (r.Entry, r.PublishedAt, (int?)r.Content["version"] ?? 1, (bool?)r.Content["withdrawn"] ?? false)).ToList();
        ViewData["Simulated"] = Report.Simulated;
        return Page();
    }
}
