using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Common;
using Truceline.Data;
using Truceline.Plans.Sequencing;

namespace Truceline.Plans.Files;

/// <summary>Loads a plan file as a new agreement: everything is validated first, then written in one
/// transaction, so a refused file changes nothing.</summary>
public static partial class ImportPlan
{
    public const int MaxFileBytes = 16 * 1024 * 1024;

    public static Outcome<PlanFile> Parse(string json)
    {
        try
        {
            var file = JsonSerializer.Deserialize<PlanFile>(json, PlanFile.Json);
            return file is null ? Failure.Invalid("$", "the file is empty") : file;
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 0 } p ? p : "$";
            var message = e.Message.Split(" Path:", 2)[0];
            return Failure.Invalid(where, $"not a valid plan file ({message})");
        }
    }

    /// <param name="mayVerify">Whether the importer may vouch for figures: observations marked verified or
    /// disputed open or close metric gates, so only a verifier (or the console) may bring them in.</param>
    public static Task<Outcome<Agreement>> RunAsync(TrucelineDb db, PlanFile file, bool mayVerify, TimeProvider time, CancellationToken ct = default) =>
        Writes.InTransactionAsync(db, () => DecideAsync(db, file, mayVerify, time, ct), ct);

    private static async Task<Outcome<Agreement>> DecideAsync(TrucelineDb db, PlanFile file, bool mayVerify, TimeProvider time, CancellationToken ct = default)
    {
        var errors = Validate(file);
        if (errors.Any)
        {
            return errors.ToFailure();
        }
        var vouched = file.Agreement!.Phases!.SelectMany(ph => ph.Provisions ?? []).SelectMany(p => p.Metrics ?? [])
            .SelectMany(m => m.Observations ?? []).Count(o => o.Verification != VerificationState.Unverified);
        if (vouched > 0 && !mayVerify)
        {
            return new Failure(FailureKind.Forbidden, "Forbidden",
                $"The file has {vouched} observations marked verified or disputed; only a verifier or an administrator may import them (or mark them unverified).");
        }
        var a = file.Agreement!;
        if (await db.Agreements.IgnoreQueryFilters().AnyAsync(x => x.Code == a.Code, ct))
        {
            return Failure.Conflict("Agreement exists", $"An agreement with code '{a.Code}' already exists; nothing was imported.");
        }

        var organisations = await db.Organisations.AsNoTracking().ToDictionaryAsync(o => o.Name, o => o.Id, StringComparer.Ordinal, ct);
        var readerErrors = new FieldErrors();
        string? Readers(List<string>? readers, string at) => Confidentiality.ToTokens(readers, organisations, at, readerErrors);
        var agreementReaders = Readers(a.ConfidentialTo, "agreement.confidentialTo");
        var provisionReaders = new Dictionary<ProvisionFile, string?>();
        var metricReaders = new Dictionary<MetricFile, string?>();
        foreach (var (ph, pi) in (a.Phases ?? []).Select((p, i) => (p, i)))
        {
            foreach (var (pf, vi) in (ph.Provisions ?? []).Select((p, i) => (p, i)))
            {
                provisionReaders[pf] = Readers(pf.ConfidentialTo, $"agreement.phases[{pi}].provisions[{vi}].confidentialTo");
                foreach (var (mf, mi) in (pf.Metrics ?? []).Select((m, i) => (m, i)))
                {
                    metricReaders[mf] = Readers(mf.ConfidentialTo, $"agreement.phases[{pi}].provisions[{vi}].metrics[{mi}].confidentialTo");
                }
            }
        }
        if (readerErrors.Any)
        {
            return readerErrors.ToFailure();
        }
        // The importer's organisation owns what it imports (the console's import has no owner).
        var owner = db.Viewer.OrganisationId;

        var now = time.GetUtcNow().UtcDateTime;
        var agreement = new Agreement
        {
            Code = a.Code!,
            Title = a.Title!,
            Description = a.Description,
            Simulated = a.Simulated,
            SimulatedNote = a.SimulatedNote,
            Classification = a.Classification ?? Classification.Public,
            OwnerOrganisationId = owner,
            ConfidentialTo = agreementReaders,
            CreatedAt = now,
        };
        db.Agreements.Add(agreement);
        foreach (var (p, i) in (a.Parties ?? []).Select((p, i) => (p, i)))
        {
            db.Parties.Add(new Party { AgreementId = agreement.Id, Code = p.Code!, Name = p.Name!, Aliases = p.Aliases?.Select(x => x.Trim()).ToList() ?? [], Ordinal = i });
        }
        foreach (var (s, i) in (a.Sources ?? []).Select((s, i) => (s, i)))
        {
            db.PlanSources.Add(new PlanSource { AgreementId = agreement.Id, Ref = s.Ref!, Title = s.Title!, Publisher = s.Publisher, Published = s.Published, Url = s.Url, Ordinal = i });
        }

        var provisions = new Dictionary<string, Provision>(StringComparer.Ordinal);
        var metrics = new Dictionary<string, Metric>(StringComparer.Ordinal);
        var ordinal = 0;
        foreach (var ph in a.Phases ?? [])
        {
            var phase = new Phase { AgreementId = agreement.Id, Code = ph.Code!, Title = ph.Title!, Ordinal = ph.Order, StartsOn = ph.StartsOn, EndsOn = ph.EndsOn };
            db.Phases.Add(phase);
            foreach (var pf in ph.Provisions ?? [])
            {
                var provision = new Provision
                {
                    AgreementId = agreement.Id,
                    PhaseId = phase.Id,
                    Code = pf.Code!,
                    Title = pf.Title!,
                    Text = pf.Text!,
                    SourceRef = pf.Source!.Ref!,
                    SourceQuote = pf.Source.Quote!,
                    Obliges = pf.Obliges ?? [],
                    Responsible = pf.Responsible ?? [],
                    Classification = pf.Classification ?? Classification.Public,
                    OwnerOrganisationId = owner,
                    ConfidentialTo = provisionReaders[pf],
                    Deadline = pf.Deadline,
                    DurationDays = pf.DurationDays ?? 0,
                    Status = pf.Status,
                    Ordinal = ordinal++,
                };
                db.Provisions.Add(provision);
                provisions[provision.Code] = provision;
                var previous = ImplementationStatus.NotInitiated;
                foreach (var (h, i) in (pf.StatusHistory ?? []).Select((h, i) => (h, i)))
                {
                    db.StatusChanges.Add(new StatusChange
                    {
                        ProvisionId = provision.Id, Ordinal = i, FromStatus = previous, ToStatus = h.Status, EffectiveOn = h.On!.Value,
                        Evidence = h.Evidence!, SourceRef = h.Source, RecordedBy = db.Viewer.Name, RecordedAt = now,
                    });
                    previous = h.Status;
                }
                foreach (var (am, i) in (pf.DeadlineAmendments ?? []).Select((am, i) => (am, i)))
                {
                    db.DeadlineAmendments.Add(new DeadlineAmendment
                    {
                        ProvisionId = provision.Id, Ordinal = i, FromDeadline = am.From, ToDeadline = am.To!.Value, AmendedOn = am.On!.Value,
                        Reason = am.Reason!, RecordedBy = db.Viewer.Name, RecordedAt = now,
                    });
                }
                foreach (var (mf, mi) in (pf.Metrics ?? []).Select((m, i) => (m, i)))
                {
                    var metric = new Metric
                    {
                        AgreementId = agreement.Id, ProvisionId = provision.Id, Code = mf.Code!, Name = mf.Name!, Unit = mf.Unit!,
                        Target = mf.Target, Direction = mf.Direction, Source = mf.Source, Feed = mf.Feed, Ordinal = mi,
                        Classification = mf.Classification ?? Classification.Public,
                        OwnerOrganisationId = owner,
                        ConfidentialTo = metricReaders[mf],
                    };
                    db.Metrics.Add(metric);
                    metrics[$"{provision.Code}/{metric.Code}"] = metric;
                    foreach (var (o, oi) in (mf.Observations ?? []).Select((o, i) => (o, i)))
                    {
                        db.Observations.Add(new Observation
                        {
                            MetricId = metric.Id, ProvisionId = provision.Id, Ordinal = oi, ObservedOn = o.On!.Value, Value = o.Value,
                            Source = o.Source, Verification = o.Verification, RecordedBy = db.Viewer.Name, RecordedAt = now,
                            Classification = metric.Classification, OwnerOrganisationId = metric.OwnerOrganisationId, ConfidentialTo = metric.ConfidentialTo,
                        });
                    }
                }
            }
        }
        foreach (var ph in a.Phases ?? [])
        {
            foreach (var pf in ph.Provisions ?? [])
            {
                foreach (var (d, i) in (pf.DependsOn ?? []).Select((d, i) => (d, i)))
                {
                    db.Dependencies.Add(new Dependency
                    {
                        AgreementId = agreement.Id,
                        DependentId = provisions[pf.Code!].Id,
                        PrerequisiteId = provisions[d.Provision!].Id,
                        RequiredStatus = d.RequiredStatus ?? ImplementationStatus.Full,
                        MetricId = d.Metric is null ? null : metrics[d.Metric].Id,
                        Threshold = d.Threshold,
                        Note = d.Note,
                        SourceRef = d.Source?.Ref,
                        SourceQuote = d.Source?.Quote,
                        Ordinal = i,
                    });
                }
            }
        }
        await db.SaveChangesAsync(ct);
        // What the file records in public is published with it, in this transaction: a plan brought in with its history
        // is in the log the moment it can be read, as if each change had been made here.
        await Transparency.Publications.PlanHistoryAsync(db, agreement.Id, now, ct);
        return agreement;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$")]
    private static partial Regex AgreementCode();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9.\\-_]{0,63}$")]
    private static partial Regex ItemCode();

    public static FieldErrors Validate(PlanFile file)
    {
        var errors = new FieldErrors();
        if (file.Format != PlanFile.FormatName)
        {
            errors.Add("format", $"must be \"{PlanFile.FormatName}\"");
        }
        var a = file.Agreement;
        if (a is null)
        {
            errors.Add("agreement", "is required");
            return errors;
        }
        if (a.Code is null || !AgreementCode().IsMatch(a.Code))
        {
            errors.Add("agreement.code", "is required: lower-case letters, digits and '-', at most 64");
        }
        Required(errors, "agreement.title", a.Title);
        var parties = Unique(errors, "agreement.parties", a.Parties ?? [], p => p.Code, (p, at) => Required(errors, $"{at}.name", p.Name));
        // An alias names one party only: an actor name that could mean two would be mapped to either.
        var aliasOwners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        // Codes and names are names too: an alias may not be another party's.
        foreach (var p in a.Parties ?? [])
        {
            foreach (var name in new[] { p.Code, p.Name }.OfType<string>().Where(n => !string.IsNullOrWhiteSpace(n)))
            {
                aliasOwners.TryAdd(name.Trim(), p.Code ?? "");
            }
        }
        foreach (var (p, i) in (a.Parties ?? []).Select((p, i) => (p, i)))
        {
            foreach (var (alias, j) in (p.Aliases ?? []).Select((x, j) => (x, j)))
            {
                var at = $"agreement.parties[{i}].aliases[{j}]";
                if (string.IsNullOrWhiteSpace(alias) || alias.Trim().Length > 200 || alias.Any(char.IsControl))
                {
                    errors.Add(at, "must be a name of 1 to 200 characters on one line");
                }
                else if (!aliasOwners.TryAdd(alias.Trim(), p.Code ?? "") && aliasOwners[alias.Trim()] != p.Code)
                {
                    errors.Add(at, $"'{alias.Trim()}' already names party '{aliasOwners[alias.Trim()]}'");
                }
            }
        }
        var sources = Unique(errors, "agreement.sources", a.Sources ?? [], s => s.Ref, (s, at) => Required(errors, $"{at}.title", s.Title));
        Unique(errors, "agreement.phases", a.Phases ?? [], p => p.Code, (p, at) => Required(errors, $"{at}.title", p.Title));

        var provisionPaths = new Dictionary<string, string>(StringComparer.Ordinal);
        var metricCodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (ph, pi) in (a.Phases ?? []).Select((p, i) => (p, i)))
        {
            foreach (var (p, vi) in (ph.Provisions ?? []).Select((p, i) => (p, i)))
            {
                var at = $"agreement.phases[{pi}].provisions[{vi}]";
                if (p.Code is null || !ItemCode().IsMatch(p.Code))
                {
                    errors.Add($"{at}.code", "is required: letters, digits, '.', '-', '_', at most 64");
                }
                else if (!provisionPaths.TryAdd(p.Code, at))
                {
                    errors.Add($"{at}.code", $"'{p.Code}' is used twice");
                }
                Required(errors, $"{at}.title", p.Title);
                Required(errors, $"{at}.text", p.Text);
                if (p.Source is null || string.IsNullOrWhiteSpace(p.Source.Quote))
                {
                    errors.Add($"{at}.source.quote", "is required: the sentence the provision comes from");
                }
                if (p.Source?.Ref is not { } sref || !sources.Contains(sref))
                {
                    errors.Add($"{at}.source.ref", "must name one of agreement.sources");
                }
                foreach (var (party, i) in (p.Obliges ?? []).Select((x, i) => (x, i)))
                {
                    if (!parties.Contains(party))
                    {
                        errors.Add($"{at}.obliges[{i}]", $"'{party}' is not one of agreement.parties");
                    }
                }
                if (!ImplementationStatus.IsValid(p.Status))
                {
                    errors.Add($"{at}.status", "must be 0 (not initiated), 1 (minimal), 2 (intermediate) or 3 (full)");
                }
                if (p.DurationDays is < 0 or > 36500)
                {
                    errors.Add($"{at}.durationDays", "must be between 0 and 36500");
                }
                var history = p.StatusHistory ?? [];
                foreach (var (h, i) in history.Select((h, i) => (h, i)))
                {
                    if (!ImplementationStatus.IsValid(h.Status))
                    {
                        errors.Add($"{at}.statusHistory[{i}].status", "must be 0 to 3");
                    }
                    if (h.On is null)
                    {
                        errors.Add($"{at}.statusHistory[{i}].on", "is required");
                    }
                    Required(errors, $"{at}.statusHistory[{i}].evidence", h.Evidence);
                }
                if ((history.Count == 0 ? 0 : history[^1].Status) != p.Status)
                {
                    errors.Add($"{at}.status", "must equal the last statusHistory entry's status (0 when there is none)");
                }
                var amendments = p.DeadlineAmendments ?? [];
                foreach (var (am, i) in amendments.Select((x, i) => (x, i)))
                {
                    if (am.To is null)
                    {
                        errors.Add($"{at}.deadlineAmendments[{i}].to", "is required");
                    }
                    if (am.On is null)
                    {
                        errors.Add($"{at}.deadlineAmendments[{i}].on", "is required");
                    }
                    Required(errors, $"{at}.deadlineAmendments[{i}].reason", am.Reason);
                }
                if (amendments.Count > 0 && amendments[^1].To != p.Deadline)
                {
                    errors.Add($"{at}.deadline", "must equal the last deadline amendment's \"to\"");
                }
                var codes = new HashSet<string>(StringComparer.Ordinal);
                foreach (var (m, mi) in (p.Metrics ?? []).Select((m, i) => (m, i)))
                {
                    var mat = $"{at}.metrics[{mi}]";
                    if (m.Code is null || !ItemCode().IsMatch(m.Code) || !codes.Add(m.Code))
                    {
                        errors.Add($"{mat}.code", "is required and unique within the provision");
                    }
                    else if (p.Code is not null)
                    {
                        metricCodes.Add($"{p.Code}/{m.Code}");
                    }
                    Required(errors, $"{mat}.name", m.Name);
                    Required(errors, $"{mat}.unit", m.Unit);
                    foreach (var (o, oi) in (m.Observations ?? []).Select((o, i) => (o, i)))
                    {
                        if (o.On is null)
                        {
                            errors.Add($"{mat}.observations[{oi}].on", "is required");
                        }
                        if (!double.IsFinite(o.Value))
                        {
                            errors.Add($"{mat}.observations[{oi}].value", "must be a finite number");
                        }
                        Required(errors, $"{mat}.observations[{oi}].source", o.Source);
                    }
                }
            }
        }
        var edges = new List<(string Dependent, string Prerequisite)>();
        foreach (var (ph, pi) in (a.Phases ?? []).Select((p, i) => (p, i)))
        {
            foreach (var (p, vi) in (ph.Provisions ?? []).Select((p, i) => (p, i)))
            {
                foreach (var (d, di) in (p.DependsOn ?? []).Select((d, i) => (d, i)))
                {
                    var at = $"agreement.phases[{pi}].provisions[{vi}].dependsOn[{di}]";
                    if (d.Provision is not null && (p.DependsOn ?? []).Take(di).Any(earlier => earlier.Provision == d.Provision))
                    {
                        errors.Add($"{at}.provision", $"'{d.Provision}' is listed twice in dependsOn");
                    }
                    if (d.Provision is null || !provisionPaths.ContainsKey(d.Provision))
                    {
                        errors.Add($"{at}.provision", $"'{d.Provision}' is not a provision of this plan");
                    }
                    else if (p.Code is not null)
                    {
                        edges.Add((p.Code, d.Provision));
                    }
                    if (d.RequiredStatus is { } rs && !ImplementationStatus.IsValid(rs))
                    {
                        errors.Add($"{at}.requiredStatus", "must be 0 to 3");
                    }
                    if (d.Metric is not null && !metricCodes.Contains(d.Metric))
                    {
                        errors.Add($"{at}.metric", $"'{d.Metric}' is not a metric of this plan (write PROVISION/METRIC)");
                    }
                    if ((d.Metric is null) != (d.Threshold is null))
                    {
                        errors.Add($"{at}.threshold", "a metric gate needs both metric and threshold");
                    }
                }
            }
        }
        if (!errors.Any)
        {
            var ids = provisionPaths.Keys.ToDictionary(c => c, _ => Guid.NewGuid(), StringComparer.Ordinal);
            var graph = new PlanGraph(
                ids.Select(kv => new GraphNode(kv.Value, kv.Key, Guid.Empty, 0, null, 0)).ToList(),
                edges.Select(e => new GraphEdge(ids[e.Prerequisite], ids[e.Dependent], 3, true, null)).ToList());
            if (graph.TopologicalOrder().Cycle is { } cycle)
            {
                errors.Add("agreement.phases", $"the dependencies form a cycle: {string.Join(" depends on ", cycle)}");
            }
        }
        return errors;
    }

    private static void Required(FieldErrors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "is required");
        }
    }

    private static HashSet<string> Unique<T>(FieldErrors errors, string path, List<T> items, Func<T, string?> key, Action<T, string> more)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (item, i) in items.Select((x, i) => (x, i)))
        {
            var k = key(item);
            if (string.IsNullOrWhiteSpace(k))
            {
                errors.Add($"{path}[{i}]", "needs a code");
            }
            else if (!seen.Add(k))
            {
                errors.Add($"{path}[{i}]", $"'{k}' is used twice");
            }
            more(item, $"{path}[{i}]");
        }
        return seen;
    }
}
