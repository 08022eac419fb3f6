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

    public const string MetricObservation = "metric-observation";

    public const string AidDaily = "aid-daily";

    public const string IncidentConclusion = "incident-conclusion";

    public const string SituationReport = "situation-report";

    public static readonly IReadOnlyList<string> Kinds = [ProvisionStatus, MetricObservation, AidDaily, IncidentConclusion, SituationReport];

    /// <summary>A public incident's place is published to two decimal places of a degree (about a kilometre), never exactly.</summary>
    public const int PublicCoordinateDecimals = 2;

    /// <summary>How far back the daily aid totals are compared with what was published: a stage recorded late for a day
    /// in this window is published as a correction of that day's total.</summary>
    public const int AidDaysWatched = 45;

    /// <summary>Publishes a provision's status change if the provision and its agreement are public.</summary>
    public static async Task<TransparencyLog.Published?> ProvisionStatusAsync(TrucelineDb db, StatusChange change, DateTime at, CancellationToken ct)
    {
        var projected = await ProjectProvisionStatusAsync(db, change.Id, ct);
        return projected is { } p ? await TransparencyLog.AppendAsync(db, ProvisionStatus, change.Id.ToString(), p.Content, p.Simulated, at, ct) : null;
    }

    /// <summary>Publishes a metric's observation if it and its metric, provision and agreement are public; again, as a
    /// correction of the last leaf, when its verification changes.</summary>
    public static async Task<TransparencyLog.Published?> MetricObservationAsync(TrucelineDb db, Guid observationId, DateTime at, CancellationToken ct)
    {
        var projected = await ProjectMetricObservationAsync(db, observationId, ct);
        return projected is { } p ? await TransparencyLog.AppendAsync(db, MetricObservation, observationId.ToString(), p.Content, p.Simulated, at, ct) : null;
    }

    /// <summary>
    /// Publishes each finished day's humanitarian totals (trucks, tonnes and consignments entered, by crossing) whose
    /// figures differ from what the log last said of that day: the first time, or as a correction when a stage is
    /// recorded late. Days up to yesterday, within <see cref="AidDaysWatched"/>. Run before each checkpoint.
    /// </summary>
    public static async Task<int> AidDailyTotalsAsync(TrucelineDb db, DateTime now, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(now);
        var first = today.AddDays(-AidDaysWatched);
        var days = await db.AidDaily.AsNoTracking().Where(d => d.Stage == Aid.ConsignmentStage.Offloaded && d.Day >= first && d.Day < today)
            .Select(d => d.Day).Distinct().ToListAsync(ct);
        return await AidDaysAsync(db, days, now, onlyCorrections: false, ct);
    }

    /// <summary>
    /// In the transaction of a change that moved trucks in or out of finished days' totals (a stage recorded late, an
    /// import): corrects those days that were published already, at once, however long ago they were.
    /// </summary>
    public static Task<int> AidDaysChangedAsync(TrucelineDb db, IEnumerable<DateOnly> days, DateTime now, CancellationToken ct) =>
        AidDaysAsync(db, days.Where(d => d < DateOnly.FromDateTime(now)).Distinct().ToList(), now, onlyCorrections: true, ct);

    private static async Task<int> AidDaysAsync(TrucelineDb db, IReadOnlyCollection<DateOnly> days, DateTime now, bool onlyCorrections, CancellationToken ct)
    {
        if (days.Count == 0)
        {
            return 0;
        }
        var ids = days.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var last = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(500))
        {
            foreach (var e in await db.LogEntries.AsNoTracking().Where(e => e.Kind == AidDaily && chunk.Contains(e.RecordId))
                .OrderBy(e => e.Index).Select(e => new { e.RecordId, e.Body }).ToListAsync(ct))
            {
                last[e.RecordId] = e.Body;
            }
        }
        var published = 0;
        foreach (var day in days.Order())
        {
            var id = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            var before = last.GetValueOrDefault(id);
            if (onlyCorrections && before is null)
            {
                continue;
            }
            var projected = await ProjectAidDailyAsync(db, day, ct);
            if (projected is { } p && (before is null || CanonicalJson.Serialize(JsonNode.Parse(before)!["content"]) != CanonicalJson.Serialize(p.Content)))
            {
                await TransparencyLog.AppendAsync(db, AidDaily, id, p.Content, p.Simulated, now, ct);
                published++;
            }
        }
        return published;
    }

    /// <summary>Publishes the public records that were made before publishing began (or that missed it): once each.</summary>
    public static async Task<int> ExistingAsync(TrucelineDb db, DateTime now, CancellationToken ct)
    {
        var published = await PlanHistoryAsync(db, null, now, ct);
        var incidents = (await db.LogEntries.AsNoTracking().Where(e => e.Kind == IncidentConclusion).Select(e => e.RecordId).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        foreach (var id in await db.Incidents.IgnoreQueryFilters().AsNoTracking().Where(i => i.Classification == Classification.Public).OrderBy(i => i.Id).Select(i => i.Id).ToListAsync(ct))
        {
            if (!incidents.Contains(id.ToString()) && await IncidentAsync(db, id, now, ct) is not null)
            {
                published++;
            }
        }
        return published + await AidDailyTotalsAsync(db, now, ct);
    }

    /// <summary>
    /// Publishes a plan's recorded history (status changes, then metric observations, in the order they were recorded)
    /// that is public and not yet in the log; every agreement's when <paramref name="agreementId"/> is null. A plan file
    /// imported with its history publishes it here, in the import's transaction, as if each change had been made live.
    /// </summary>
    public static async Task<int> PlanHistoryAsync(TrucelineDb db, Guid? agreementId, DateTime now, CancellationToken ct)
    {
        var changes = await (from s in db.StatusChanges.IgnoreQueryFilters()
                             join p in db.Provisions.IgnoreQueryFilters() on s.ProvisionId equals p.Id
                             where agreementId == null || p.AgreementId == agreementId
                             orderby s.RecordedAt, p.Ordinal, s.Ordinal, s.Id
                             select s.Id).ToListAsync(ct);
        var observations = await (from o in db.Observations.IgnoreQueryFilters()
                                  join m in db.Metrics.IgnoreQueryFilters() on o.MetricId equals m.Id
                                  where agreementId == null || m.AgreementId == agreementId
                                  orderby o.RecordedAt, m.Ordinal, o.Ordinal, o.Id
                                  select o.Id).ToListAsync(ct);
        // Which of these are in the log already: asked of these records only, not of the whole log.
        var logged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (kind, ids) in new[] { (ProvisionStatus, changes), (MetricObservation, observations) })
        {
            foreach (var chunk in ids.Select(i => i.ToString()).Chunk(500))
            {
                logged.UnionWith(await db.LogEntries.AsNoTracking().Where(e => e.Kind == kind && chunk.Contains(e.RecordId))
                    .Select(e => kind + "/" + e.RecordId).ToListAsync(ct));
            }
        }
        // Published now, and saying so: a leaf never claims an earlier publication than it had. One append for all.
        var items = new List<TransparencyLog.Item>();
        foreach (var id in changes.Where(i => !logged.Contains($"{ProvisionStatus}/{i}")))
        {
            if (await ProjectProvisionStatusAsync(db, id, ct) is { } p)
            {
                items.Add(new TransparencyLog.Item(ProvisionStatus, id.ToString(), p.Content, p.Simulated));
            }
        }
        foreach (var id in observations.Where(i => !logged.Contains($"{MetricObservation}/{i}")))
        {
            if (await ProjectMetricObservationAsync(db, id, ct) is { } p)
            {
                items.Add(new TransparencyLog.Item(MetricObservation, id.ToString(), p.Content, p.Simulated));
            }
        }
        if (items.Count > 0)
        {
            await TransparencyLog.AppendManyAsync(db, items, now, ct);
        }
        return items.Count;
    }

    /// <summary>Publishes a public incident's conclusion (verified, not verified, disputed, dismissed) with its findings and
    /// any public reply; again, as a correction, when that changes. Anything not public, or not concluded, stays out.</summary>
    public static async Task<TransparencyLog.Published?> IncidentAsync(TrucelineDb db, Guid incidentId, DateTime at, CancellationToken ct)
    {
        var projected = await ProjectIncidentAsync(db, incidentId, ct);
        return projected is { } p ? await TransparencyLog.AppendAsync(db, IncidentConclusion, incidentId.ToString(), p.Content, p.Simulated, at, ct) : null;
    }

    /// <summary>Publishes a situation report as it stands (first publication, correction or withdrawal), if it and its
    /// agreement are public and it is not a draft.</summary>
    public static async Task<TransparencyLog.Published?> SituationReportAsync(TrucelineDb db, Guid reportId, DateTime at, CancellationToken ct)
    {
        var projected = await ProjectSituationReportAsync(db, reportId, ct);
        return projected is { } p ? await TransparencyLog.AppendAsync(db, SituationReport, reportId.ToString(), p.Content, p.Simulated, at, ct) : null;
    }

    /// <summary>The record as it stands now, in the form its leaf holds; null if there is no such public record.</summary>
    public static async Task<(JsonObject Content, bool Simulated)?> ProjectAsync(TrucelineDb db, string kind, string recordId, CancellationToken ct) =>
        kind switch
        {
            ProvisionStatus when Guid.TryParse(recordId, out var id) => await ProjectProvisionStatusAsync(db, id, ct),
            MetricObservation when Guid.TryParse(recordId, out var id) => await ProjectMetricObservationAsync(db, id, ct),
            AidDaily when DateOnly.TryParseExact(recordId, "yyyy-MM-dd", out var day) => await ProjectAidDailyAsync(db, day, ct),
            IncidentConclusion when Guid.TryParse(recordId, out var id) => await ProjectIncidentAsync(db, id, ct),
            SituationReport when Guid.TryParse(recordId, out var id) => await ProjectSituationReportAsync(db, id, ct),
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

    private static async Task<(JsonObject Content, bool Simulated)?> ProjectMetricObservationAsync(TrucelineDb db, Guid observationId, CancellationToken ct)
    {
        var row = await (from o in db.Observations.IgnoreQueryFilters()
                         join m in db.Metrics.IgnoreQueryFilters() on o.MetricId equals m.Id
                         join p in db.Provisions.IgnoreQueryFilters() on m.ProvisionId equals p.Id
                         join a in db.Agreements.IgnoreQueryFilters() on m.AgreementId equals a.Id
                         where o.Id == observationId
                         select new
                         {
                             o, Metric = m.Code, MetricName = m.Name, m.Unit, Provision = p.Code, Agreement = a.Code, a.Simulated,
                             Classes = new[] { o.Classification, m.Classification, p.Classification, a.Classification },
                         })
            .AsNoTracking().FirstOrDefaultAsync(ct);
        if (row is null || row.Classes.Any(c => c != Classification.Public))
        {
            return null;
        }
        var content = new JsonObject
        {
            ["agreement"] = row.Agreement,
            ["provision"] = row.Provision,
            ["metric"] = row.Metric,
            ["name"] = row.MetricName,
            ["unit"] = row.Unit,
            ["observedOn"] = row.o.ObservedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            // A decimal as text: the canonical form carries integers only, so no two readers can format it differently.
            ["value"] = row.o.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
            ["verification"] = row.o.Verification.ToString().ToLowerInvariant(),
        };
        if (row.o.Source is { } source)
        {
            content["source"] = source;
        }
        return (content, row.Simulated);
    }

    /// <summary>A day's aid totals. Aggregates are public by design (ADR-004), whoever recorded the consignments.</summary>
    private static async Task<(JsonObject Content, bool Simulated)?> ProjectAidDailyAsync(TrucelineDb db, DateOnly day, CancellationToken ct)
    {
        // Summed in a fixed order and rounded, so the same rows always give the same text on either engine.
        var rows = (await db.AidDaily.AsNoTracking().Where(d => d.Day == day && d.Stage == Aid.ConsignmentStage.Offloaded)
            .Select(d => new { d.Crossing, d.Category, d.FromStage, d.Consignments, d.Trucks, d.Tonnes }).ToListAsync(ct))
            .OrderBy(d => d.Crossing, StringComparer.Ordinal).ThenBy(d => d.Category).ThenBy(d => d.FromStage, StringComparer.Ordinal).ToList();
        if (rows.Count == 0)
        {
            return null;
        }
        static string Number(double v) => Math.Round(v, 3).ToString("0.###", System.Globalization.CultureInfo.InvariantCulture);
        var byCrossing = new JsonObject();
        foreach (var g in rows.GroupBy(r => r.Crossing).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            byCrossing[g.Key] = Number(g.Sum(r => r.Trucks));
        }
        var content = new JsonObject
        {
            ["day"] = day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["consignmentsEntered"] = rows.Sum(r => r.Consignments),
            ["trucksEntered"] = Number(rows.Sum(r => r.Trucks)),
            ["tonnesEntered"] = Number(rows.Sum(r => r.Tonnes)),
            ["trucksByCrossing"] = byCrossing,
        };
        return (content, await db.Settings.AnyAsync(s => s.Key == Aid.AidFeeds.SimulatedKey, ct));
    }

    private static async Task<(JsonObject Content, bool Simulated)?> ProjectIncidentAsync(TrucelineDb db, Guid incidentId, CancellationToken ct)
    {
        var incident = await db.Incidents.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(i => i.Id == incidentId, ct);
        if (incident is null || incident.Classification != Classification.Public)
        {
            return null;
        }
        var agreement = incident.AgreementId is { } a
            ? await db.Agreements.IgnoreQueryFilters().AsNoTracking().Where(x => x.Id == a).Select(x => new { x.Classification, x.Simulated }).FirstOrDefaultAsync(ct)
            : null;
        if (agreement is not null && agreement.Classification != Classification.Public)
        {
            return null;
        }
        var concluded = incident.State is Incidents.IncidentState.Verified or Incidents.IncidentState.NotVerified or Incidents.IncidentState.Disputed or Incidents.IncidentState.Dismissed;
        // Before its first conclusion nothing is published; once published, every later state is (a dispute reopened for
        // review is a correction, not a disappearance).
        var id = incidentId.ToString();
        if (!concluded && !await db.LogEntries.AnyAsync(e => e.Kind == IncidentConclusion && e.RecordId == id, ct))
        {
            return null;
        }
        var findings = await (from f in db.Findings.AsNoTracking()
                              join o in db.Organisations.IgnoreQueryFilters() on f.VerifierOrganisationId equals o.Id
                              where f.IncidentId == incidentId
                              orderby f.SignedAt, f.Id
                              select new { f, Organisation = o.Name }).ToListAsync(ct);
        var replies = await db.Replies.IgnoreQueryFilters().AsNoTracking()
            .Where(r => r.IncidentId == incidentId && r.Classification == Classification.Public).OrderBy(r => r.CreatedAt).ThenBy(r => r.Id).ToListAsync(ct);
        string Rounded(double v) => Math.Round(v, PublicCoordinateDecimals, MidpointRounding.AwayFromZero).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        var content = new JsonObject
        {
            ["state"] = Incidents.ChangeIncidentState.Name(incident.State),
            ["occurredOn"] = incident.OccurredOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["eventType"] = incident.EventType,
            ["governorate"] = incident.GovernorateCode,
            ["latitude"] = Rounded(incident.Latitude),
            ["longitude"] = Rounded(incident.Longitude),
            ["allegedParties"] = new JsonArray([.. incident.AllegedParties.Select(p => (JsonNode?)p)]),
            // The organisations that signed, never the verifiers' own names.
            ["findings"] = new JsonArray([.. findings.Select(x => (JsonNode?)new JsonObject
            {
                ["organisation"] = x.Organisation,
                ["conclusion"] = x.f.Conclusion.ToString().ToLowerInvariant(),
                ["violation"] = x.f.Violation,
                ["provisions"] = new JsonArray([.. x.f.Provisions.Select(p => (JsonNode?)p)]),
                ["responsibleParty"] = x.f.ResponsibleParty,
                ["dissent"] = x.f.Dissent,
            })]),
            ["replies"] = new JsonArray([.. replies.Select(r => (JsonNode?)new JsonObject { ["party"] = r.PartyCode, ["text"] = r.Text })]),
        };
        return (content, agreement?.Simulated ?? false);
    }

    private static async Task<(JsonObject Content, bool Simulated)?> ProjectSituationReportAsync(TrucelineDb db, Guid reportId, CancellationToken ct)
    {
        var row = await (from r in db.SituationReports.IgnoreQueryFilters()
                         join a in db.Agreements.IgnoreQueryFilters() on r.AgreementId equals a.Id
                         where r.Id == reportId
                         select new { r, Agreement = a.Code, AgreementClass = a.Classification, a.Simulated })
            .AsNoTracking().FirstOrDefaultAsync(ct);
        if (row is null || row.r.State == SituationReports.SituationReportState.Draft
            || row.r.Classification != Classification.Public || row.AgreementClass != Classification.Public)
        {
            return null;
        }
        var content = new JsonObject
        {
            ["agreement"] = row.Agreement,
            ["title"] = row.r.Title,
            ["periodFrom"] = row.r.PeriodFrom.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["periodTo"] = row.r.PeriodTo.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["language"] = row.r.Language,
            ["text"] = row.r.Text,
            ["citations"] = new JsonArray([.. row.r.Citations.Select(c => (JsonNode?)long.Parse(c, System.Globalization.CultureInfo.InvariantCulture))]),
            ["version"] = row.r.Version,
            ["withdrawn"] = row.r.State == SituationReports.SituationReportState.Withdrawn,
        };
        if (row.r.CorrectionNote is { } note)
        {
            content["correctionNote"] = note;
        }
        if (row.r.WithdrawalReason is { } reason)
        {
            content["withdrawalReason"] = reason;
        }
        return (content, row.Simulated);
    }
}
