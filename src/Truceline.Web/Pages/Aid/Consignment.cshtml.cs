using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Truceline.Aid;
using Truceline.Audit;
using Truceline.Data;
using Truceline.Web.Access;
using Truceline.Web.Aid;

namespace Truceline.Web.Pages.Aid;

/// <summary>A consignment's whole history and audit trail, with the form for its next stage.</summary>
public sealed class ConsignmentModel(TrucelineDb db, TimeProvider time) : PageModel
{
    public ConsignmentDetail Detail { get; private set; } = null!;

    public IReadOnlyList<AuditEntry> Audit { get; private set; } = [];

    public string Now => time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-ddTHH:mm", System.Globalization.CultureInfo.InvariantCulture);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostStageAsync(Guid id, string? stage, DateTime? at, string? reason, CancellationToken ct)
    {
        if (!User.Can(Permission.RegisterConsignments))
        {
            return Forbid();
        }
        var when = at is { } t ? new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)) : (DateTimeOffset?)null;
        var result = await MoveConsignment.RunAsync(db, new MoveConsignment.Move(id, stage, when, reason), time, ct);
        if (result.Succeeded)
        {
            TempData["Notice"] = $"Recorded: {result.Value!.Stage.Slug()}.";
            return Redirect($"/aid/consignments/{id}");
        }
        this.Show(result.Failure!, "stage");
        return await LoadAsync(id, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await AidQueries.DetailAsync(db, id, ct) is not { } detail)
        {
            return false;
        }
        Detail = detail;
        if (User.Can(Permission.ReadAudit) || User.Can(Permission.RegisterConsignments))
        {
            var subject = $"Consignment:{id}";
            Audit = await db.AuditEntries.AsNoTracking().Where(a => a.Subject == subject).OrderBy(a => a.Seq).ToListAsync(ct);
        }
        return true;
    }
}
