using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using NetTopologySuite.Geometries;
using Truceline.Access;
using Truceline.Data;
using Truceline.Geo;

namespace Truceline.Incidents;

/// <summary>
/// Groups structured reports that have no incident yet into incidents: a report joins the nearest incident of the
/// same event type whose date window and place overlap its own (both widened by their precision), or starts a new
/// one. Runs after intake has committed, reads only the database, and can be re-run at any time: a crash between
/// intake and grouping loses nothing.
/// </summary>
public static class GroupReports
{
    /// <summary>How far apart two reports of one event may be placed, by the coarser of their geo-precisions.</summary>
    public static double RadiusMeters(int geoPrecision) => geoPrecision switch
    {
        1 => 2_000,
        2 => 5_000,
        _ => 15_000, // a region: the governorate must match too
    };

    /// <summary>How many days either side of the date an event may lie, by time precision.</summary>
    public static int DayWindow(int timePrecision) => timePrecision switch
    {
        1 => 1,
        2 => 7,
        _ => 31,
    };

    /// <param name="DecidedAgain">Batches decided again under the writer's lock because something they were decided from
    /// changed before they were written (a coordinator's change, another pass): the rest were written as first decided.</param>
    public sealed record Outcome(int Grouped, int NewIncidents, int DecidedAgain = 0);

    /// <param name="shareWriter">Between batches, if another writer queued for the writer meanwhile, wait as long as the
    /// last batch held it: a background pass through a backlog then takes at most half the writer's time while intake is
    /// busy, and intake, queued behind each batch, keeps up. Without it, intake stored one group commit between each 70 ms
    /// batch, at a fifth of its rate, for the whole pass. With no one waiting (SQLite: no writer queued at its gate), the
    /// pass goes on at once: standing aside for no one had a backlog grouped at half the rate the machine could.</param>
    public static Task<Outcome> RunAsync(TrucelineDb db, TimeProvider time, int batch = 500, CancellationToken ct = default, bool shareWriter = false) =>
        RunAsync(db, time, batch, ct, shareWriter, beforeWriting: null);

    /// <param name="beforeWriting">Run between a batch's reading and its writing (tests: a change made in between).</param>
    /// <param name="afterWriting">Run after a batch is written, before the next is read (tests: a change between batches).</param>
    internal static async Task<Outcome> RunAsync(TrucelineDb db, TimeProvider time, int batch, CancellationToken ct, bool shareWriter, Func<Task>? beforeWriting,
        Func<Task>? afterWriting = null)
    {
        var grouped = 0;
        var created = 0;
        var again = 0;
        Plan? previous = null;
        while (true)
        {
            // Each batch is read and decided outside the writer's lock (a WAL reader waits for no writer), then written
            // under it if nothing it read has changed since: intake waits only for the writes, not for the reads and the
            // matching too (about a third of a batch's time). Should something have changed, it is decided again under the lock.
            var plan = await PlanAsync(db, time, batch, ct, previous);
            if (plan is null)
            {
                return new Outcome(grouped, created, again);
            }
            if (beforeWriting is not null)
            {
                await beforeWriting();
            }
            var writing = System.Diagnostics.Stopwatch.GetTimestamp();
            var queued = db.IsPostgres ? 0 : WriterGate.QueuedSoFar(db.Target ?? "");
            var written = await Writes.InTransactionAsync(db, async () => await WriteAsync(db, plan, ct) ? new Common.Outcome<bool>(true, null) : Changed, ct);
            if (!written.Succeeded)
            {
                again++;
                var decided = await Writes.InTransactionAsync(db, async () =>
                {
                    var locked = await PlanAsync(db, time, batch, ct, previous: null);
                    // Nothing can change under the lock: a plan made there is written as made.
                    return locked is null || await WriteAsync(db, locked, ct) ? new Common.Outcome<Plan?>(locked, null) : Changed;
                }, ct);
                plan = decided.Value;
                if (plan is null)
                {
                    return new Outcome(grouped, created, again);
                }
            }
            previous = plan;
            if (afterWriting is not null)
            {
                await afterWriting();
            }
            grouped += plan.Reports.Count;
            created += plan.Created.Count;
            if (plan.Reports.Count < batch)
            {
                return new Outcome(grouped, created, again);
            }
            // PostgreSQL has no gate to tell whether anyone waited: there the pass always stands aside.
            if (shareWriter && (db.IsPostgres || WriterGate.QueuedSoFar(db.Target ?? "") != queued))
            {
                // Real time, not the application's clock: this shares the machine, it does not schedule anything.
                await Task.Delay(System.Diagnostics.Stopwatch.GetElapsedTime(writing), ct);
            }
        }
    }

    private static readonly Common.Failure Changed = Common.Failure.Conflict("Changed while grouping",
        "An incident or report this batch read changed before the batch was written.");

    /// <summary>What one batch will write, and what it was decided from (see <see cref="WriteAsync"/>).</summary>
    internal sealed class Plan
    {
        public required List<Report> Reports { get; init; }
        public required List<Incident> Created { get; init; }
        /// <summary>The incidents that existed and gain reports, with their summaries as read.</summary>
        public required List<Incident> Changed { get; init; }
        public required Dictionary<Guid, object?[]> Before { get; init; }
        /// <summary>The audit entries of all the plan writes, described, not yet chained.</summary>
        public required List<Audit.AuditEntry> Entries { get; init; }
        public required Plans.DefaultAgreement.ByDay Agreements { get; init; }
        /// <summary>The count of changes to incidents when the plan was begun (migration 0023): if it has not moved when
        /// the plan is written, no incident the batch could have joined was added, changed or taken out of "reported".</summary>
        public required long IncidentChanges { get; init; }
        /// <summary>Every incident the batch could have joined and those it opened, as they are once it is written.</summary>
        public required List<Incident> Open { get; init; }
        /// <summary>The count of changes once the plan was written, under the lock: the next batch of the pass reuses
        /// <see cref="Open"/> instead of reading it again if no one else has changed an incident since.</summary>
        public long IncidentChangesAfter { get; set; } = -1;
        public required List<string> Types { get; init; }
        public required DateOnly From { get; init; }
        public required DateOnly To { get; init; }
    }

    /// <summary>Reads the next reports awaiting grouping and the incidents they could join, and decides each report's
    /// incident and every summary; writes nothing. Null when no report awaits.</summary>
    /// <param name="previous">The plan this pass wrote last: its incidents, as it left them, are this batch's if no one
    /// has changed an incident since and this batch's types and days are within its own.</param>
    internal static async Task<Plan?> PlanAsync(TrucelineDb db, TimeProvider time, int batch, CancellationToken ct, Plan? previous = null)
    {
        // Read first: a change to an incident made after this, even while the reads below run, moves the count, and the
        // plan is not written.
        var changes = await IncidentChangesAsync(db, ct);
        // Untracked: each report's new incident is written in one prepared statement and audited in bulk below; tracking
        // hundreds of reports cost more than writing them, at the rate intake brings them.
        var reports = await db.Reports.IgnoreQueryFilters().AsNoTracking()
            .Where(r => r.IncidentId == null && r.Structured && r.EventType != null && r.Latitude != null && r.OccurredOn != null)
            .OrderBy(r => r.Id).Take(batch).Select(Grouped).ToListAsync(ct);
        if (reports.Count == 0)
        {
            return null;
        }
        var agreements = await Plans.DefaultAgreement.ByDayAsync(db, ct);
        // To the microsecond, as PostgreSQL keeps it: an incident carried to the next batch is then exactly as stored.
        var now = Audit.AuditChain.Truncate(time.GetUtcNow().UtcDateTime);
        // One query for every incident this batch could join, then an in-memory index: no query per report.
        var types = reports.Select(r => r.EventType!).Distinct().ToList();
        // A report joins an incident within its own date window (DayWindow: a day either side for a report dated to the day).
        var from = reports.Min(r => r.OccurredOn!.Value.AddDays(-DayWindow(r.TimePrecision)));
        var to = reports.Max(r => r.OccurredOn!.Value.AddDays(DayWindow(r.TimePrecision)));
        // Untracked too: of the thousands a batch could join, it changes some hundreds, and writes only those. Read once a
        // pass while no one else changes an incident: reading 5,500 took two thirds of planning a batch of 1,000.
        var reuse = previous is { } p && p.IncidentChangesAfter == changes && types.All(p.Types.Contains) && from >= p.From && to <= p.To;
        var open = reuse ? previous!.Open : await JoinableQuery(db, types, from, to).ToListAsync(ct);
        var covered = reuse ? (previous!.Types, previous.From, previous.To) : (Types: types, From: from, To: to);
        var index = new IncidentIndex();
        open.ForEach(index.Add);
        var touched = new Dictionary<Guid, Incident>();
        var members = new Dictionary<Guid, List<Report>>();
        var created = new List<Incident>();
        foreach (var report in reports)
        {
            // The agreement the report names, or the one in force on the day it happened: its verification quorum applies.
            var agreement = report.AgreementId ?? agreements.For(report.OccurredOn!.Value);
            var match = index.Match(report, agreement);
            if (match is null)
            {
                match = new Incident
                {
                    AgreementId = agreement,
                    State = IncidentState.Reported,
                    OccurredOn = report.OccurredOn!.Value,
                    Latitude = report.Latitude!.Value,
                    Longitude = report.Longitude!.Value,
                    GeoPrecision = report.GeoPrecision,
                    GovernorateCode = report.GovernorateCode,
                    EventType = report.EventType!,
                    SubEventType = report.SubEventType,
                    Classification = report.Classification,
                    OwnerOrganisationId = report.OwnerOrganisationId,
                    ConfidentialTo = report.ConfidentialTo,
                    CreatedAt = now,
                    UpdatedAt = now,
                };
                index.Add(match);
                created.Add(match);
            }
            touched[match.Id] = match;
            report.IncidentId = match.Id;
            if (!members.TryGetValue(match.Id, out var list))
            {
                members[match.Id] = list = [];
            }
            list.Add(report);
        }
        // An incident opened in this batch is summarised from its members; one that existed adds them to the tally kept with
        // it. Only an incident summarised before tallies were kept has its earlier reports read (once: it keeps a tally after).
        var openIds = open.Select(o => o.Id).ToHashSet();
        var untallied = new List<Guid>();
        var changed = touched.Values.Where(i => openIds.Contains(i.Id)).ToList();
        var before = changed.ToDictionary(i => i.Id, i => Summary.Select(p => p.Get(i)).ToArray());
        foreach (var incident in touched.Values)
        {
            if (!openIds.Contains(incident.Id))
            {
                IncidentRules.Summarise(incident, members[incident.Id], now);
            }
            else if (!IncidentRules.TryAdd(incident, members[incident.Id], now))
            {
                untallied.Add(incident.Id);
            }
        }
        if (untallied.Count > 0)
        {
            var earlier = (await db.Reports.IgnoreQueryFilters().AsNoTracking().Where(r => r.IncidentId != null && untallied.Contains(r.IncidentId.Value))
                    .Select(Grouped).ToListAsync(ct))
                .ToLookup(r => r.IncidentId!.Value);
            foreach (var id in untallied)
            {
                IncidentRules.Summarise(touched[id], earlier[id].Concat(members[id]).ToList(), now);
            }
        }
        return new Plan
        {
            Reports = reports, Created = created, Changed = changed, Before = before, Agreements = agreements, Entries = Describe(db, reports, created, changed, before, now),
            IncidentChanges = changes, Open = [.. open, .. created],
            // What Open covers: a batch reusing it covers no more than the batch that read it.
            Types = covered.Types, From = covered.From, To = covered.To,
        };
    }

    /// <summary>The audit entries of what a plan writes, as the interceptor would write them, described here, outside the
    /// writer's lock (11-13 ms a batch of 1,000): under it they are only chained and inserted.</summary>
    private static List<Audit.AuditEntry> Describe(TrucelineDb db, List<Report> reports, List<Incident> created, List<Incident> changed,
        Dictionary<Guid, object?[]> before, DateTime at)
    {
        var entries = new List<Audit.AuditEntry>(created.Count + changed.Count + reports.Count);
        entries.AddRange(created.Select(i => Audit.AuditInterceptor.Created(db, i, at)));
        foreach (var incident in changed)
        {
            var was = before[incident.Id];
            if (Audit.AuditInterceptor.Changed(db, incident, incident.Id.ToString(), Summary.Select((p, i) => (p.Name, was[i], p.Get(incident))), at) is { } entry)
            {
                entries.Add(entry);
            }
        }
        foreach (var report in reports)
        {
            if (Audit.AuditInterceptor.Changed(db, report, report.Id.ToString(), [(nameof(Report.IncidentId), null, report.IncidentId)], at) is { } entry)
            {
                entries.Add(entry);
            }
        }
        return entries;
    }

    /// <summary>The incidents still reported, of the given types, on days from..to: those a report could join.</summary>
    private static IQueryable<Incident> JoinableQuery(TrucelineDb db, List<string> types, DateOnly from, DateOnly to) =>
        db.Incidents.IgnoreQueryFilters().AsNoTracking()
            .Where(i => types.Contains(i.EventType) && i.State == IncidentState.Reported && i.OccurredOn >= from && i.OccurredOn <= to);

    /// <summary>
    /// Writes a plan in the caller's transaction, which holds the writer's lock, if what it was decided from still holds:
    /// the same agreements' spans, no incident inserted, updated or deleted since it was begun (by anyone: the count
    /// the database keeps, so none the batch could have joined was added, changed or moved on from "reported"), and its
    /// reports still awaiting grouping. Otherwise it returns false having written what it must not keep, and the caller rolls back.
    /// </summary>
    internal static async Task<bool> WriteAsync(TrucelineDb db, Plan plan, CancellationToken ct)
    {
        if (!(await Plans.DefaultAgreement.ByDayAsync(db, ct)).SameAs(plan.Agreements))
        {
            return false;
        }
        if (await IncidentChangesAsync(db, ct) != plan.IncidentChanges)
        {
            return false;
        }
        // New incidents, the summaries of those that existed and the reports' links, each with one prepared statement,
        // audited as the interceptor would audit them (the entries described when the plan was made).
        await BulkWrite.InsertAsync(db, plan.Created, ct);
        // Most incidents a report joins keep their day, governorate and readers: those are written without touching the
        // columns the list's indexes and the daily rollup's trigger follow, which would otherwise be rewritten for nothing.
        var moved = plan.Changed.Where(i => Placement.Any(p => !Equals(plan.Before[i.Id][p], Summary[p].Get(i)))).ToHashSet();
        await BulkWrite.UpdateAsync(db, moved.ToList(), Summary.Select(p => p.Name).ToArray(), ct);
        await BulkWrite.UpdateAsync(db, plan.Changed.Where(i => !moved.Contains(i)).ToList(),
            Summary.Where((_, p) => !Placement.Contains(p)).Select(p => p.Name).ToArray(), ct);
        if (!await LinkAsync(db, plan.Reports, ct))
        {
            return false;
        }
        await Audit.AuditBulk.AppendAsync(db, plan.Entries, ct);
        plan.IncidentChangesAfter = await IncidentChangesAsync(db, ct);
        return true;
    }

    /// <summary>How many times incidents have been inserted, updated or deleted (a count kept by the database's triggers,
    /// migration 0023; on PostgreSQL once a statement).</summary>
    private static Task<long> IncidentChangesAsync(TrucelineDb db, CancellationToken ct) =>
        db.Database.SqlQueryRaw<long>("SELECT count AS \"Value\" FROM incident_changes WHERE id = 1").SingleAsync(ct);

    /// <summary>Only what grouping reads of a report (matching, <see cref="IncidentRules"/>, the audit entry of its link), not
    /// its texts, place and source's identity: a batch reads hundreds, an incident summarised whole may have thousands.</summary>
    private static readonly System.Linq.Expressions.Expression<Func<Report, Report>> Grouped = r => new Report
    {
        Id = r.Id, IncidentId = r.IncidentId, EventType = r.EventType, SubEventType = r.SubEventType, OccurredOn = r.OccurredOn, TimePrecision = r.TimePrecision,
        Latitude = r.Latitude, Longitude = r.Longitude, GeoPrecision = r.GeoPrecision, GovernorateCode = r.GovernorateCode, AllegedParties = r.AllegedParties,
        SourceFingerprint = r.SourceFingerprint, SourceType = r.SourceType, Source = r.Source, SubmittedByOrganisationId = r.SubmittedByOrganisationId,
        Classification = r.Classification, OwnerOrganisationId = r.OwnerOrganisationId, ConfidentialTo = r.ConfidentialTo, AgreementId = r.AgreementId,
    };

    /// <summary>What grouping changes in an incident that existed: its summary (<see cref="IncidentRules"/>).</summary>
    private static readonly (string Name, Func<Incident, object?> Get)[] Summary =
    [
        (nameof(Incident.OccurredOn), i => i.OccurredOn), (nameof(Incident.Latitude), i => i.Latitude), (nameof(Incident.Longitude), i => i.Longitude),
        (nameof(Incident.GeoPrecision), i => i.GeoPrecision), (nameof(Incident.GovernorateCode), i => i.GovernorateCode),
        (nameof(Incident.SubEventType), i => i.SubEventType), (nameof(Incident.AllegedPartiesText), i => i.AllegedPartiesText),
        (nameof(Incident.ReportCount), i => i.ReportCount), (nameof(Incident.SourceCount), i => i.SourceCount),
        (nameof(Incident.Confidence), i => i.Confidence), (nameof(Incident.ConfidenceReasons), i => i.ConfidenceReasons.ToList()),
        (nameof(Incident.Classification), i => i.Classification), (nameof(Incident.OwnerOrganisationId), i => i.OwnerOrganisationId),
        (nameof(Incident.ConfidentialTo), i => i.ConfidentialTo), (nameof(Incident.Tally), i => i.Tally), (nameof(Incident.UpdatedAt), i => i.UpdatedAt),
    ];

    /// <summary>The positions in <see cref="Summary"/> of what the incidents' indexes and daily rollup follow.</summary>
    private static readonly int[] Placement = [.. new[]
    {
        nameof(Incident.OccurredOn), nameof(Incident.GovernorateCode), nameof(Incident.Classification), nameof(Incident.OwnerOrganisationId), nameof(Incident.ConfidentialTo),
    }.Select(name => Array.FindIndex(Summary, p => p.Name == name))];

    /// <summary>Sets each report's incident with one prepared statement, in the caller's transaction; false if a report
    /// was grouped (or changed) since it was read, and the caller rolls back.</summary>
    private static async Task<bool> LinkAsync(TrucelineDb db, IReadOnlyList<Report> reports, CancellationToken ct)
    {
        var sqlite = !db.IsPostgres;
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = "UPDATE reports SET incident_id = @incident WHERE id = @id AND incident_id IS NULL";
        var incident = command.CreateParameter();
        incident.ParameterName = "@incident";
        var id = command.CreateParameter();
        id.ParameterName = "@id";
        command.Parameters.Add(incident);
        command.Parameters.Add(id);
        var prepared = false;
        foreach (var report in reports)
        {
            incident.Value = BulkInsert.Convert(report.IncidentId, sqlite);
            id.Value = BulkInsert.Convert(report.Id, sqlite);
            if (!prepared)
            {
                // Npgsql prepares with the parameters' types, so after the first values are bound.
                await command.PrepareAsync(ct);
                prepared = true;
            }
            if (await command.ExecuteNonQueryAsync(ct) != 1)
            {
                return false;
            }
        }
        return true;
    }

    public static bool Matches(Report r, Incident i, double distance)
    {
        // One audience per incident: a report joins only an incident readable by exactly the same readers.
        if (r.Classification != i.Classification
            || (r.Classification == Access.Classification.Confidential && (r.OwnerOrganisationId != i.OwnerOrganisationId || r.ConfidentialTo != i.ConfidentialTo)))
        {
            return false;
        }
        var precision = Math.Max(r.GeoPrecision, i.GeoPrecision);
        if (distance > RadiusMeters(precision) || (precision >= 3 && r.GovernorateCode != i.GovernorateCode))
        {
            return false;
        }
        var days = Math.Abs(r.OccurredOn!.Value.DayNumber - i.OccurredOn.DayNumber);
        return days <= DayWindow(r.TimePrecision);
    }
}
