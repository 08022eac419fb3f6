using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Data;
using Truceline.Plans;

namespace Truceline.Transparency;

/// <summary>
/// What each kind of published record says: one projection per kind, used both to append the leaf when the record is
/// published and to show the record as it stands now, so anyone can check the two still agree (truceline verify).
/// Only public records are ever projected; anything else answers null and never reaches a leaf.
/// </summary>
public static class Publications
{
    public const string ProvisionStatus = "provision-status";

    public static readonly IReadOnlyList<string> Kinds = [ProvisionStatus];

    /// <summary>Publishes a provision's status change if the provision and its agreement are public.</summary>
    public static async Task<TransparencyLog.Published?> ProvisionStatusAsync(TrucelineDb db, StatusChange change, DateTime at, CancellationToken ct)
    {
        var projected = await ProjectProvisionStatusAsync(db, change.Id, ct);
        return projected is { } p ? await TransparencyLog.AppendAsync(db, ProvisionStatus, change.Id.ToString(), p.Content, p.Simulated, at, ct) : null;
    }

    /// <summary>The record as it stands now, in the form its leaf holds; null if there is no such public record.</summary>
    public static async Task<(JsonObject Content, bool Simulated)?> ProjectAsync(TrucelineDb db, string kind, string recordId, CancellationToken ct) =>
        kind switch
        {
            ProvisionStatus when Guid.TryParse(recordId, out var id) => await ProjectProvisionStatusAsync(db, id, ct),
            _ => null,
        };

    private static async Task<(JsonObject Content, bool Simulated)?> ProjectProvisionStatusAsync(TrucelineDb db, Guid changeId, CancellationToken ct)
    {
        // Read past the viewer: what is public is decided here, by the records' own classification, for every reader alike.
        var row = await (from s in db.StatusChanges.IgnoreQueryFilters()
                         join p in db.Provisions.IgnoreQueryFilters() on s.ProvisionId equals p.Id
                         join a in db.Agreements.IgnoreQueryFilters() on p.AgreementId equals a.Id
                         where s.Id == changeId
                         select new { s, p.Code, p.Title, ProvisionClass = p.Classification, Agreement = a.Code, AgreementClass = a.Classification, a.Simulated })
            .AsNoTracking().FirstOrDefaultAsync(ct);
        if (row is null || row.ProvisionClass != Classification.Public || row.AgreementClass != Classification.Public)
        {
            return null;
        }
        var content = new JsonObject
        {
            ["agreement"] = row.Agreement,
            ["provision"] = row.Code,
            ["title"] = row.Title,
            ["fromStatus"] = row.s.FromStatus,
            ["toStatus"] = row.s.ToStatus,
            ["effectiveOn"] = row.s.EffectiveOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["evidence"] = row.s.Evidence,
        };
        if (row.s.SourceRef is { } source)
        {
            content["source"] = source;
        }
        return (content, row.Simulated);
    }
}
