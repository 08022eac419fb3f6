using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Truceline.Audit;
using Truceline.Common;
using Truceline.Data;

namespace Truceline.Aid;

/// <summary>
/// Records that consignments reached their next stage. A batch is all or nothing: one illegal step (409) or one bad
/// field (422) and none of the batch is recorded, so a sender can fix and resend the whole batch safely.
/// </summary>
public static class MoveConsignment
{
    public sealed record Move(Guid? ConsignmentId, string? Stage, DateTimeOffset? At, string? Reason);

    public const int MaxBatch = 5000;

    public static async Task<Outcome<ConsignmentEvent>> RunAsync(TrucelineDb db, Move move, TimeProvider time, CancellationToken ct = default)
    {
        var result = await RunBatchAsync(db, [move], time, ct, single: true);
        return result.Succeeded ? result.Value![0] : result.Failure!;
    }

    public static Task<Outcome<IReadOnlyList<ConsignmentEvent>>> RunBatchAsync(
        TrucelineDb db, IReadOnlyList<Move> moves, TimeProvider time, CancellationToken ct = default, bool single = false) =>
        Writes.InTransactionAsync(db, async () =>
        {
            if (moves.Count == 0 || moves.Count > MaxBatch)
            {
                return Failure.Invalid("moves", $"send from 1 to {MaxBatch} moves");
            }
            var now = time.GetUtcNow().UtcDateTime;
            var errors = new FieldErrors();
            var parsed = new List<(Guid Id, ConsignmentStage To, DateTime At, string? Reason, string Path)>();
            for (var i = 0; i < moves.Count; i++)
            {
                var m = moves[i];
                var path = single ? "" : $"moves[{i}].";
                if (m.ConsignmentId is not { } id)
                {
                    errors.Add($"{path}consignmentId", "is required");
                }
                if (!Stages.TryParse(m.Stage, out var to))
                {
                    errors.Add($"{path}stage", "is required: " + string.Join(", ", Enum.GetValues<ConsignmentStage>().Select(s => s.Slug())));
                }
                var at = m.At?.UtcDateTime ?? now;
                if (at > now.AddMinutes(5))
                {
                    errors.Add($"{path}at", "is in the future");
                }
                var reason = m.Reason?.Trim();
                if (reason is { Length: > 2000 })
                {
                    errors.Add($"{path}reason", "is longer than 2000 characters");
                }
                else if (Stages.NeedsReason(to) && string.IsNullOrEmpty(reason))
                {
                    errors.Add($"{path}reason", $"is required: say why the consignment was {to.Slug()}");
                }
                parsed.Add((m.ConsignmentId ?? Guid.Empty, to, at, string.IsNullOrEmpty(reason) ? null : reason, path));
            }
            if (errors.Any)
            {
                return errors.ToFailure();
            }
            var ids = parsed.Select(p => p.Id).Distinct().ToList();
            var consignments = new Dictionary<Guid, Consignment>();
            foreach (var chunk in ids.Chunk(500))
            {
                foreach (var c in await db.Consignments.AsNoTracking().Where(c => chunk.Contains(c.Id)).ToListAsync(ct))
                {
                    consignments[c.Id] = c;
                }
            }
            var rollup = new AidRollup();
            var events = new List<ConsignmentEvent>();
            var audit = new List<AuditEntry>();
            var original = new Dictionary<Guid, (ConsignmentStage Stage, DateTime StageAt, string? Reason)>();
            var auditAt = AuditChain.Truncate(now);
            foreach (var (id, to, at, reason, path) in parsed)
            {
                if (!consignments.TryGetValue(id, out var c))
                {
                    return Failure.NotFound($"{path}There is no consignment {id} that you may see.");
                }
                if (!Stages.Next(c.Stage).Contains(to))
                {
                    var allowed = Stages.Next(c.Stage);
                    return Failure.Conflict("Illegal stage change",
                        $"{path}Consignment {c.Reference} is {c.Stage.Slug()}; it cannot become {to.Slug()}. "
                        + (allowed.Count == 0 ? "It is final." : "Next can be: " + string.Join(", ", allowed.Select(s => s.Slug())) + "."));
                }
                if (at < c.StageAt)
                {
                    return Failure.Invalid($"{path}at", $"is before the consignment became {c.Stage.Slug()} ({c.StageAt:yyyy-MM-dd HH:mm}Z)");
                }
                var e = new ConsignmentEvent
                {
                    ConsignmentId = c.Id, FromStage = c.Stage, Stage = to, At = at, RecordedAt = now, RecordedBy = db.Viewer.Name, Reason = reason,
                    SecondsInPrevious = (long)(at - c.StageAt).TotalSeconds,
                    Classification = c.Classification, OwnerOrganisationId = c.OwnerOrganisationId, ConfidentialTo = c.ConfidentialTo,
                };
                // What the consignment was before the batch, for its one audit entry (first state to last, as the interceptor writes).
                original.TryAdd(c.Id, (c.Stage, c.StageAt, c.Reason));
                if (reason is not null)
                {
                    c.Reason = reason;
                }
                c.Stage = to;
                c.StageAt = at;
                rollup.Add(c, e);
                events.Add(e);
                audit.Add(AuditInterceptor.Created(db, e, auditAt));
            }
            // Created records before changed ones, as the interceptor orders them.
            foreach (var (id, (stage, stageAt, reason)) in original)
            {
                var c = consignments[id];
                if (AuditInterceptor.Changed(db, c, c.Id.ToString(),
                    [(nameof(c.Stage), stage, c.Stage), (nameof(c.StageAt), stageAt, c.StageAt), (nameof(c.Reason), reason, c.Reason)], auditAt) is { } changed)
                {
                    audit.Add(changed);
                }
            }
            // Written without change tracking: for a batch of thousands, tracking cost several times the writes themselves.
            var rows = new BulkInsert(db, "consignment_events", ConsignmentEvent.BulkColumns);
            foreach (var e in events)
            {
                rows.Add(e.BulkValues());
            }
            await rows.FlushAsync(ct);
            await UpdateStagesAsync(db, original.Keys.Select(i => consignments[i]), ct);
            await rollup.FlushAsync(db, ct);
            await AuditBulk.AppendAsync(db, audit, ct);
            // Trucks entered on a day already published: the log's total for that day is corrected in this transaction.
            await Transparency.Publications.AidDaysChangedAsync(db, events.Where(e => e.Stage == ConsignmentStage.Offloaded).Select(e => DateOnly.FromDateTime(e.At)), now, ct);
            return new Outcome<IReadOnlyList<ConsignmentEvent>>(events, null);
        }, ct);

    private static async Task UpdateStagesAsync(TrucelineDb db, IEnumerable<Consignment> consignments, CancellationToken ct)
    {
        var sqlite = !db.IsPostgres;
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction!.GetDbTransaction();
        command.CommandText = "UPDATE consignments SET stage = @stage, stage_at = @at, reason = @reason WHERE id = @id";
        var parameters = new[] { "@stage", "@at", "@reason", "@id" }.Select(name =>
        {
            var p = command.CreateParameter();
            p.ParameterName = name;
            if (name is "@stage" or "@reason")
            {
                // Typed, so a null reason in the first row does not prepare the statement with an unknown type.
                p.DbType = System.Data.DbType.String;
            }
            command.Parameters.Add(p);
            return p;
        }).ToArray();
        var prepared = false;
        foreach (var c in consignments)
        {
            parameters[0].Value = BulkInsert.Convert(c.Stage, sqlite);
            parameters[1].Value = BulkInsert.Convert(c.StageAt, sqlite);
            parameters[2].Value = BulkInsert.Convert(c.Reason, sqlite);
            parameters[3].Value = BulkInsert.Convert(c.Id, sqlite);
            if (!prepared)
            {
                // Npgsql prepares with the parameters' types, so after the first values are bound.
                await command.PrepareAsync(ct);
                prepared = true;
            }
            await command.ExecuteNonQueryAsync(ct);
        }
    }
}
