using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Truceline.Data;
using Truceline.Transparency;

namespace Truceline.Web.Pages.Public;

/// <summary>The published situation reports, read from the transparency log: each as its latest entry says (corrections
/// applied, withdrawals shown), newest period first.</summary>
public sealed class ReportsModel(TrucelineDb db) : PageModel
{
    public sealed record Item(long Entry, string Id, string Title, DateOnly PeriodFrom, DateOnly PeriodTo, string Language, int Version, bool Withdrawn, bool Simulated, DateTime PublishedAt);

    public IReadOnlyList<Item> Reports { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) =>
        Reports = (await OpenData.RowsAsync(db, OpenData.Find(Publications.SituationReport)!, ct)).Select(ToItem)
            .OrderByDescending(r => r.PeriodTo).ThenByDescending(r => r.Entry).ToList();

    public static Item ToItem(OpenData.Row row)
    {
        var c = row.Content;
        return new Item(row.Entry, row.Record, (string?)c["title"] ?? "", DateOnly.Parse((string)c["periodFrom"]!, System.Globalization.CultureInfo.InvariantCulture),
            DateOnly.Parse((string)c["periodTo"]!, System.Globalization.CultureInfo.InvariantCulture), (string?)c["language"] ?? "en",
            (int?)c["version"] ?? 1, (bool?)c["withdrawn"] ?? false, row.Simulated, row.PublishedAt);
    }
}
