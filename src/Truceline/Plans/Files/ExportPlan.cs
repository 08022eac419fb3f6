using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Data;

namespace Truceline.Plans.Files;

/// <summary>Writes an agreement back as a plan file, with only what the reader may see.</summary>
public static class ExportPlan
{
    public static async Task<PlanFile?> RunAsync(TrucelineDb db, string idOrCode, CancellationToken ct = default)
    {
        var agreement = await PlanLookup.FindAgreementAsync(db, idOrCode, ct);
        if (agreement is null)
        {
            return null;
        }
        var id = agreement.Id;
        var parties = await db.Parties.Where(p => p.AgreementId == id).OrderBy(p => p.Ordinal).ToListAsync(ct);
        var sources = await db.PlanSources.Where(p => p.AgreementId == id).OrderBy(p => p.Ordinal).ToListAsync(ct);
        var phases = await db.Phases.Where(p => p.AgreementId == id).OrderBy(p => p.Ordinal).ToListAsync(ct);
        var provisions = await db.Provisions.Where(p => p.AgreementId == id).OrderBy(p => p.Ordinal).ToListAsync(ct);
        var provisionIds = provisions.Select(p => p.Id).ToHashSet();
        var history = (await db.StatusChanges.Where(s => db.Provisions.Any(p => p.Id == s.ProvisionId && p.AgreementId == id)).ToListAsync(ct))
            .OrderBy(s => s.Ordinal).ToLookup(s => s.ProvisionId);
        var amendments = (await db.DeadlineAmendments.Where(s => db.Provisions.Any(p => p.Id == s.ProvisionId && p.AgreementId == id)).ToListAsync(ct))
            .OrderBy(s => s.Ordinal).ToLookup(s => s.ProvisionId);
        var metrics = (await db.Metrics.Where(m => m.AgreementId == id).ToListAsync(ct)).OrderBy(m => m.Ordinal).ToList();
        var observations = (await db.Observations.Where(o => db.Metrics.Any(m => m.Id == o.MetricId && m.AgreementId == id)).ToListAsync(ct))
            .OrderBy(o => o.Ordinal).ToLookup(o => o.MetricId);
        var dependencies = (await db.Dependencies.Where(d => d.AgreementId == id).ToListAsync(ct))
            .Where(d => provisionIds.Contains(d.DependentId) && provisionIds.Contains(d.PrerequisiteId))
            .OrderBy(d => d.Ordinal).ToLookup(d => d.DependentId);
        var organisationNames = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Id, o => o.Name, ct);
        List<string>? Readers(string? tokens) => NullIfEmpty(Confidentiality.FromTokens(tokens, organisationNames));
        var codeOf = provisions.ToDictionary(p => p.Id, p => p.Code);
        var metricRef = metrics.ToDictionary(m => m.Id, m => $"{codeOf.GetValueOrDefault(m.ProvisionId)}/{m.Code}");
        var metricsOf = metrics.ToLookup(m => m.ProvisionId);

        ProvisionFile ToFile(Provision p) => new(
            p.Code,
            p.Title,
            p.Text,
            new QuoteFile(p.SourceRef, p.SourceQuote),
            NullIfEmpty(p.Obliges),
            NullIfEmpty(p.Responsible),
            p.Classification,
            Readers(p.ConfidentialTo),
            p.Deadline,
            p.DurationDays,
            p.Status,
            NullIfEmpty(history[p.Id].Select(h => new StatusHistoryFile(h.ToStatus, h.EffectiveOn, h.Evidence, h.SourceRef))),
            NullIfEmpty(amendments[p.Id].Select(a => new AmendmentFile(a.FromDeadline, a.ToDeadline, a.AmendedOn, a.Reason))),
            NullIfEmpty(metricsOf[p.Id].Select(m => new MetricFile(m.Code, m.Name, m.Unit, m.Target, m.Direction, m.Source, m.Feed, m.Classification, Readers(m.ConfidentialTo),
                NullIfEmpty(observations[m.Id].Select(o => new ObservationFile(o.ObservedOn, o.Value, o.Source, o.Verification)))))),
            NullIfEmpty(dependencies[p.Id].Select(ToDependencyFile)));

        // A gate on a metric the reader may not see is exported without its metric part.
        DependencyFile ToDependencyFile(Dependency d)
        {
            var visibleMetric = d.MetricId is { } mid && metricRef.ContainsKey(mid);
            return new DependencyFile(
                codeOf[d.PrerequisiteId],
                d.RequiredStatus,
                visibleMetric ? metricRef[d.MetricId!.Value] : null,
                visibleMetric ? d.Threshold : null,
                d.Note,
                d.SourceRef is null && d.SourceQuote is null ? null : new QuoteFile(d.SourceRef, d.SourceQuote));
        }

        var phaseFiles = phases.Select(ph => new PhaseFile(ph.Code, ph.Title, ph.Ordinal, ph.StartsOn, ph.EndsOn,
            NullIfEmpty(provisions.Where(p => p.PhaseId == ph.Id).Select(ToFile))));
        return new PlanFile(PlanFile.FormatName, new AgreementFile(
            agreement.Code,
            agreement.Title,
            agreement.Description,
            agreement.Simulated,
            agreement.SimulatedNote,
            agreement.Classification,
            Readers(agreement.ConfidentialTo),
            NullIfEmpty(parties.Select(p => new PartyFile(p.Code, p.Name, p.Aliases.Count == 0 ? null : p.Aliases))),
            NullIfEmpty(sources.Select(s => new SourceFile(s.Ref, s.Title, s.Publisher, s.Published, s.Url))),
            NullIfEmpty(phaseFiles)));
    }

    private static List<T>? NullIfEmpty<T>(IEnumerable<T> items)
    {
        var list = items.ToList();
        return list.Count == 0 ? null : list;
    }
}

public static class PlanLookup
{
    /// <summary>An agreement by id or code, as the current viewer may see it.</summary>
    public static Task<Agreement?> FindAgreementAsync(TrucelineDb db, string idOrCode, CancellationToken ct = default) =>
        Guid.TryParse(idOrCode, out var id)
            ? db.Agreements.FirstOrDefaultAsync(a => a.Id == id, ct)
            : db.Agreements.FirstOrDefaultAsync(a => a.Code == idOrCode, ct);
}
