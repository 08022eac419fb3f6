using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Truceline.Data;
using Truceline.Plans;
using Truceline.Web.Access;
using Truceline.Web.Plans;

namespace Truceline.Web.Pages.Plans;

public sealed class OverviewModel(TrucelineDb db, TimeProvider time) : PageModel
{
    public PlanOverview? Overview { get; private set; }

    public SequencingView? Sequencing { get; private set; }

    public IReadOnlyList<Truceline.Audit.AuditEntry> Audit { get; private set; } = [];

    public bool CanReadAudit => User.Can(Truceline.Web.Access.Permission.ReadAudit);

    private PlanSnapshot? _snapshot;

    private const int ChainShown = 8;

    /// <summary>The first provisions of the chain behind a blocked one; the provision page has all of it.</summary>
    public (IReadOnlyList<string> Codes, bool More) ChainSummary(Guid id)
    {
        var chain = _snapshot!.Graph.BlockingChain(id, ChainShown + 1);
        return (chain.Take(ChainShown).Select(e => _snapshot.ById(e.PrerequisiteId).Code).Distinct().ToList(), chain.Count > ChainShown);
    }

    public async Task<IActionResult> OnGetAsync(string plan, CancellationToken ct)
    {
        var snapshot = _snapshot = await PlanSnapshot.LoadAsync(db, plan, time, ct);
        if (snapshot is null)
        {
            return this.NotFoundOrSignIn();
        }
        Overview = PlanViews.Overview(snapshot);
        Sequencing = PlanViews.Sequencing(snapshot);
        this.MarkSimulated(snapshot.Agreement);
        if (CanReadAudit)
        {
            Audit = await ProvisionDetails.AuditOfAsync(db, $"Agreement:{snapshot.Agreement.Id}", ct);
        }
        return Page();
    }
}
