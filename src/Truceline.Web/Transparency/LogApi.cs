using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using Truceline.Common;
using Truceline.Data;
using Truceline.Transparency;
using Truceline.Web.Access;

namespace Truceline.Web.Transparency;

public sealed record LogEntryView(long Index, string Kind, string Record, long? Corrects, DateTime PublishedAt, string LeafHash, string Body);

public sealed record LogEntriesView(long Start, long Size, IReadOnlyList<LogEntryView> Entries);

public sealed record InclusionView(long Index, long Size, string LeafHash, IReadOnlyList<string> Path);

public sealed record ConsistencyView(long From, long To, IReadOnlyList<string> Path);

public sealed record PublishedRecordView(string Kind, string Record, bool Simulated, string Content, long? LatestEntry);

public sealed record WitnessView(string Name, string Vkey, string Organisation, long? LastCosignedSize, DateTime? LastCosignedAt);

public sealed record AddWitnessRequest(string? Vkey, string? Organisation);

public sealed record CosignatureRequest(long? Size, string? Signature);

/// <summary>
/// The transparency log over HTTP, for anyone (ADR-012). Hashes are base64, as in the checkpoint. What cannot change
/// (entries below the current size, proofs for a given size, a checkpoint of a given size) is served as immutable;
/// the current checkpoint is revalidated by its size.
/// </summary>
public static class LogApi
{
    public const int MaxEntries = 1000;

    public static void MapLogApi(this IEndpointRouteBuilder routes)
    {
        // Not in the output cache: each answer is read from the rows, so a row altered behind the log's back shows at once
        // (and fails verification); they are cheap primary-key reads, and HTTP caches keep the immutable ones. The one
        // exception is the current checkpoint, which every reader asks for first: it is cached until a leaf, a checkpoint
        // or a cosignature is committed (PublicCache). A checkpoint row altered in place is therefore served as it was
        // signed until the next commit (at most ten minutes); the entries it covers are still read fresh, so tampering
        // with them shows at once.
        var open = routes.MapGroup("/api/v1/log").WithTags("Transparency log").AllowAnonymous();
        open.MapGet("/checkpoint", GetCheckpoint).CacheOutput(PublicCache.Policy).WithSummary("The latest signed checkpoint (C2SP signed note, text/plain)");
        open.MapGet("/checkpoints/{size:long}", GetCheckpointAt).WithSummary("The signed checkpoint of a given tree size, if one was published");
        open.MapGet("/key", GetKey).WithSummary("The log's public key (a note verifier key, text/plain)");
        open.MapGet("/entries", GetEntries).WithSummary($"Entries [start, end), at most {MaxEntries}: each leaf's body exactly as hashed");
        open.MapGet("/proof/inclusion", GetInclusion).WithSummary("Inclusion proof of a leaf (by index or leaf hash) in the tree of a given size");
        open.MapGet("/proof/consistency", GetConsistency).WithSummary("Consistency proof between two tree sizes");
        open.MapGet("/records/{kind}/{id}", GetRecord).WithSummary("A published record as it stands now, in its leaf's form, with its latest entry");
        open.MapGet("/witnesses", GetWitnesses).WithSummary("The witnesses, and the last checkpoint each cosigned");
        open.MapPost("/cosignatures", PostCosignature)
            // A signature line is under a kilobyte; nothing bigger is read.
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(4096))
            .WithSummary("Deliver a witness's cosignature of a checkpoint; kept only if it verifies against a registered witness's key");
        var admin = routes.MapGroup("/api/v1/log").WithTags("Transparency log")
            .RequireAuthorization(p => p.AddAuthenticationSchemes(BearerTokenHandler.SchemeName).RequireAuthenticatedUser());
        admin.MapPost("/checkpoints", PostCheckpoint).RequireAuthorization(Permissions.Policy(Permission.Administer))
            .WithSummary("Sign a checkpoint now (one is signed every minute while the log grows)");
        admin.MapPost("/witnesses", PostWitness).RequireAuthorization(Permissions.Policy(Permission.Administer))
            .WithSummary("Register a witness's cosignature/v1 key and its organisation");
    }

    public static async Task<IResult> GetCheckpoint(TrucelineDb db, HttpContext http, CancellationToken ct)
    {
        var latest = await PublishCheckpoint.LatestAsync(db, ct);
        if (latest is null)
        {
            return Failure.NotFound("No checkpoint has been signed yet.").ToProblem();
        }
        // A checkpoint gathers cosignatures after it is signed: the tag changes with them.
        var cosignatures = await db.LogCosignatures.CountAsync(c => c.Size == latest.Size, ct);
        var etag = $"\"{latest.Size}-{cosignatures}\"";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers.ETag = etag;
        if (http.Request.Headers.IfNoneMatch.Contains(etag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        return Results.Text(await Witnesses.NoteAsync(db, latest, ct), "text/plain; charset=utf-8", Encoding.UTF8);
    }

    public static async Task<IResult> GetCheckpointAt(long size, TrucelineDb db, HttpContext http, CancellationToken ct)
    {
        var row = await db.LogCheckpoints.AsNoTracking().FirstOrDefaultAsync(c => c.Size == size, ct);
        if (row is null)
        {
            return Failure.NotFound($"No checkpoint was signed at size {size}.").ToProblem();
        }
        http.Response.Headers.CacheControl = "no-cache";
        return Results.Text(await Witnesses.NoteAsync(db, row, ct), "text/plain; charset=utf-8", Encoding.UTF8);
    }

    public static IResult GetKey(NoteSigner signer) => Results.Text(signer.Verifier + "\n", "text/plain; charset=utf-8", Encoding.UTF8);

    public static async Task<Results<Ok<LogEntriesView>, ProblemHttpResult>> GetEntries(long? start, long? end, TrucelineDb db, HttpContext http, CancellationToken ct)
    {
        var size = await TransparencyLog.SizeAsync(db, ct);
        var from = start ?? 0;
        var to = Math.Min(end ?? from + MaxEntries, size);
        var errors = new FieldErrors();
        if (from < 0)
        {
            errors.Add("start", "must be 0 or more");
        }
        if (end is { } e && (e < from || e - from > MaxEntries))
        {
            errors.Add("end", $"must be from start to start + {MaxEntries}");
        }
        if (errors.Any)
        {
            return errors.ToFailure().ToProblem();
        }
        var rows = await db.LogEntries.AsNoTracking().Where(x => x.Index >= from && x.Index < to).OrderBy(x => x.Index).ToListAsync(ct);
        if (end is { } asked && asked <= size)
        {
            Immutable(http);
        }
        return TypedResults.Ok(new LogEntriesView(from, size, rows.Select(r => new LogEntryView(r.Index, r.Kind, r.RecordId, r.Corrects, r.PublishedAt, r.LeafHash, r.Body)).ToList()));
    }

    public static async Task<Results<Ok<InclusionView>, ProblemHttpResult>> GetInclusion(long? index, string? hash, long? size, TrucelineDb db, HttpContext http, CancellationToken ct)
    {
        var current = await TransparencyLog.SizeAsync(db, ct);
        var treeSize = size ?? current;
        if (treeSize < 1 || treeSize > current)
        {
            return Failure.Invalid("size", $"must be from 1 to the log's size ({current})").ToProblem();
        }
        LogEntry? entry = null;
        if (index is { } i)
        {
            entry = await db.LogEntries.AsNoTracking().FirstOrDefaultAsync(x => x.Index == i, ct);
        }
        else if (!string.IsNullOrEmpty(hash))
        {
            entry = await db.LogEntries.AsNoTracking().FirstOrDefaultAsync(x => x.LeafHash == hash, ct);
        }
        else
        {
            return Failure.Invalid("index", "give a leaf's index or its hash (base64)").ToProblem();
        }
        if (entry is null || entry.Index >= treeSize)
        {
            return Failure.NotFound($"There is no such leaf in the tree of size {treeSize}.").ToProblem();
        }
        var path = await TransparencyLog.InclusionAsync(db, entry.Index, treeSize, ct);
        if (size is not null)
        {
            Immutable(http);
        }
        return TypedResults.Ok(new InclusionView(entry.Index, treeSize, entry.LeafHash, path.Select(Convert.ToBase64String).ToList()));
    }

    public static async Task<Results<Ok<ConsistencyView>, ProblemHttpResult>> GetConsistency(long? from, long? to, TrucelineDb db, HttpContext http, CancellationToken ct)
    {
        var current = await TransparencyLog.SizeAsync(db, ct);
        if (from is not { } f || to is not { } t || f < 0 || f > t || t > current)
        {
            return Failure.Invalid("from", $"give from and to with 0 <= from <= to <= the log's size ({current})").ToProblem();
        }
        var path = f == 0 || f == t ? [] : await TransparencyLog.ConsistencyAsync(db, f, t, ct);
        Immutable(http);
        return TypedResults.Ok(new ConsistencyView(f, t, path.Select(Convert.ToBase64String).ToList()));
    }

    public static async Task<Results<Ok<PublishedRecordView>, ProblemHttpResult>> GetRecord(string kind, string id, TrucelineDb db, CancellationToken ct)
    {
        var projected = await Publications.ProjectAsync(db, kind, id, ct);
        if (projected is not { } p)
        {
            return Failure.NotFound($"There is no published {kind} record {id}.").ToProblem();
        }
        var latest = await db.LogEntries.AsNoTracking().Where(e => e.Kind == kind && e.RecordId == id).OrderByDescending(e => e.Index)
            .Select(e => (long?)e.Index).FirstOrDefaultAsync(ct);
        return TypedResults.Ok(new PublishedRecordView(kind, id, p.Simulated, CanonicalJson.Serialize(p.Content), latest));
    }

    public static async Task<IResult> PostCheckpoint(TrucelineDb db, NoteSigner signer, TimeProvider time, CancellationToken ct)
    {
        var checkpoint = await PublishCheckpoint.RunAsync(db, signer, time, ct);
        return Results.Text(checkpoint.Note, "text/plain; charset=utf-8", Encoding.UTF8, StatusCodes.Status201Created);
    }

    public static async Task<Ok<List<WitnessView>>> GetWitnesses(TrucelineDb db, CancellationToken ct)
    {
        var witnesses = await db.LogWitnesses.AsNoTracking().OrderBy(w => w.Organisation).ToListAsync(ct);
        // Each witness's latest cosignature, in one query.
        var last = (await db.LogCosignatures.AsNoTracking()
            .Where(c => c.Size == db.LogCosignatures.Where(x => x.VerifierKey == c.VerifierKey).Max(x => x.Size))
            .ToListAsync(ct)).ToDictionary(c => c.VerifierKey);
        var views = witnesses.Select(w => last.TryGetValue(w.VerifierKey, out var c)
            ? new WitnessView(w.Name, w.VerifierKey, w.Organisation, c.Size, c.CosignedAt)
            : new WitnessView(w.Name, w.VerifierKey, w.Organisation, null, null)).ToList();
        return TypedResults.Ok(views);
    }

    public static async Task<Results<Created<WitnessView>, ProblemHttpResult>> PostWitness(AddWitnessRequest request, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        var added = await Witnesses.AddAsync(db, request.Vkey, request.Organisation, time, ct);
        return added.Succeeded
            ? TypedResults.Created("/api/v1/log/witnesses", new WitnessView(added.Value!.Name, added.Value.VerifierKey, added.Value.Organisation, null, null))
            : added.Failure!.ToProblem();
    }

    public static async Task<Results<Created, ProblemHttpResult>> PostCosignature(CosignatureRequest request, TrucelineDb db, TimeProvider time, CancellationToken ct)
    {
        if (request.Size is not { } size)
        {
            return Failure.Invalid("size", "is required: the size of the checkpoint cosigned").ToProblem();
        }
        var accepted = await Witnesses.AcceptAsync(db, size, request.Signature, time, ct);
        return accepted.Succeeded ? TypedResults.Created($"/api/v1/log/checkpoints/{size}") : accepted.Failure!.ToProblem();
    }

    private static void Immutable(HttpContext http) => http.Response.Headers.CacheControl = "public, max-age=31536000, immutable";
}
