using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Truceline.Data;
using Truceline.Plans;
using Truceline.Plans.Sequencing;
using Truceline.Web.Plans;

namespace Truceline.Web.Pages.Plans;

public sealed class DependenciesModel(TrucelineDb db, TimeProvider time) : PageModel
{
    public PlanSnapshot? Snapshot { get; private set; }

    public GraphLayout? Layout { get; private set; }

    public string? Slip { get; private set; }

    public DateOnly? To { get; private set; }

    public IReadOnlyList<KnockOnView>? KnockOn { get; private set; }

    public async Task<IActionResult> OnGetAsync(string plan, string? slip, DateOnly? to, CancellationToken ct)
    {
        Snapshot = await PlanSnapshot.LoadAsync(db, plan, time, ct);
        if (Snapshot is null)
        {
            return this.NotFoundOrSignIn();
        }
        this.MarkSimulated(Snapshot.Agreement);
        var analysis = Snapshot.Graph.Analyse(Snapshot.Today);
        Layout = GraphLayout.For(Snapshot, analysis);
        (Slip, To) = (slip, to);
        if (slip is not null && to is { } date && Snapshot.Find(slip) is { } p)
        {
            KnockOn = PlanViews.KnockOn(analysis.KnockOn(new Dictionary<Guid, DateOnly> { [p.Id] = date }));
        }
        return Page();
    }
}

/// <summary>A layered drawing of the dependency graph: column = longest chain of prerequisites before it.</summary>
public sealed record GraphLayout(int Width, int Height, int NodeWidth, int NodeHeight, IReadOnlyList<GraphLayout.Node> Nodes, IReadOnlyList<GraphLayout.Edge> Edges)
{
    public sealed record Node(Guid Id, string Code, string Title, int Status, string State, bool Critical, int X, int Y);

    public sealed record Edge(int X1, int Y1, int X2, int Y2, bool Satisfied, string Title);

    private const int MaxNodes = 400;

    public static GraphLayout For(PlanSnapshot s, PlanGraph.Analysis analysis)
    {
        const int w = 170, h = 44, gapX = 60, gapY = 16, pad = 10;
        var (order, _) = s.Graph.TopologicalOrder();
        if (order is null || s.Provisions.Count > MaxNodes)
        {
            return new GraphLayout(0, 0, w, h, [], []);
        }
        var nodes = s.Graph.Nodes;
        var layer = new int[nodes.Count];
        var incoming = s.Graph.Edges.ToLookup(e => s.Graph.IndexOf(e.DependentId));
        foreach (var i in order)
        {
            foreach (var e in incoming[i])
            {
                layer[i] = Math.Max(layer[i], layer[s.Graph.IndexOf(e.PrerequisiteId)] + 1);
            }
        }
        var critical = s.Phases.SelectMany(ph => analysis.CriticalPath(ph.Id).Path.Select(n => n.Id)).ToHashSet();
        var rowInLayer = new Dictionary<int, int>();
        var positions = new (int X, int Y)[nodes.Count];
        var laid = new List<Node>();
        for (var i = 0; i < nodes.Count; i++)
        {
            var row = rowInLayer.GetValueOrDefault(layer[i]);
            rowInLayer[layer[i]] = row + 1;
            positions[i] = (pad + layer[i] * (w + gapX), pad + row * (h + gapY));
            var n = nodes[i];
            laid.Add(new Node(n.Id, n.Code, s.ById(n.Id).Title, n.Status, analysis.StateOf(n.Id).Lower(), critical.Contains(n.Id), positions[i].X, positions[i].Y));
        }
        var edges = s.Graph.Edges.Select(e =>
        {
            var from = positions[s.Graph.IndexOf(e.PrerequisiteId)];
            var to = positions[s.Graph.IndexOf(e.DependentId)];
            var title = $"{s.ById(e.DependentId).Code} waits for {s.ById(e.PrerequisiteId).Code}" + (e.Reason is null ? " (met)" : $": {e.Reason}");
            return new Edge(from.X + w, from.Y + h / 2, to.X, to.Y + h / 2, e.Satisfied, title);
        }).ToList();
        var width = pad * 2 + (layer.DefaultIfEmpty().Max() + 1) * (w + gapX);
        var height = pad * 2 + rowInLayer.Values.DefaultIfEmpty().Max() * (h + gapY);
        return new GraphLayout(width, height, w, h, laid, edges);
    }
}
