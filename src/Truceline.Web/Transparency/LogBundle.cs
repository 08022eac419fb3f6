using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Truceline.Common;
using Truceline.Transparency;

namespace Truceline.Web.Transparency;

/// <summary>
/// A log exported to one file, to keep and to verify offline later ('truceline log export', then 'truceline verify
/// --bundle'): the signed checkpoint as served (with its cosignatures), every entry up to its size exactly as served,
/// and every published record as it stood at export. Nothing in it is trusted: verify checks it as it checks the log,
/// against the key the reader holds.
/// </summary>
public sealed record LogBundle(
    string Format, string Log, DateTime ExportedAt, long Size, string Key, string Checkpoint,
    IReadOnlyList<WitnessView> Witnesses, IReadOnlyList<LogEntryView> Entries, IReadOnlyList<PublishedRecordView> Records)
{
    public const string FormatName = "truceline-log-bundle/1";

    /// <summary>A bundle is read whole into memory; past this it is refused rather than exhausting the machine.</summary>
    public const long MaxBytes = 2L * 1024 * 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        MaxDepth = 16,
    };

    /// <summary>Reads the log's checkpoint, then every entry up to its size and every record's latest form.</summary>
    public static async Task<LogBundle> ExportAsync(HttpLogSource log, string address, TimeProvider time, IProgress<(long Done, long Total)>? progress, CancellationToken ct)
    {
        var key = ((await log.KeyAsync(ct)) ?? "").Trim();
        // A record corrected after the checkpoint is newer than any entry the bundle can hold: read the checkpoint again
        // (one may have been signed meanwhile) a few times, and give up rather than write a bundle that cannot verify.
        var entries = new List<LogEntryView>();
        for (var attempt = 1; ; attempt++)
        {
            var note = await log.CheckpointAsync(ct) ?? throw new InvalidOperationException("the log has no checkpoint yet: nothing signed to export");
            var opened = SignedNote.Parse(note);
            if (!opened.Succeeded || Truceline.Transparency.Checkpoint.Parse(opened.Value!.Text) is not { Succeeded: true } body)
            {
                throw new InvalidOperationException("the log serves a checkpoint that is not a signed checkpoint note");
            }
            var size = body.Value!.Size;
            for (long start = entries.Count; start < size; start += LogApi.MaxEntries)
            {
                entries.AddRange((await log.EntriesAsync(start, Math.Min(start + LogApi.MaxEntries, size), ct)).Where(e => e.Index < size));
                progress?.Report((entries.Count, size));
            }
            var records = new List<PublishedRecordView>();
            foreach (var (kind, record) in entries.Select(e => (e.Kind, e.Record)).Distinct())
            {
                if (await log.RecordAsync(kind, record, ct) is { } current)
                {
                    records.Add(current);
                }
            }
            if (records.All(r => r.LatestEntry is null || r.LatestEntry < size))
            {
                return new LogBundle(FormatName, address, time.GetUtcNow().UtcDateTime, size, key, Encoding.UTF8.GetString(note), await log.WitnessesAsync(ct), entries, records);
            }
            if (attempt == 3)
            {
                throw new InvalidOperationException("records were corrected after the latest checkpoint; export again after the next one (within a minute)");
            }
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
        }
    }

    public async Task WriteAsync(string path, CancellationToken ct)
    {
        // Written beside and moved into place, so an interrupted export never leaves half a bundle under the name.
        var temporary = path + ".tmp";
        await using (var file = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(file, this, Json, ct);
        }
        File.Move(temporary, path, overwrite: true);
    }

    public static async Task<Outcome<LogBundle>> ReadAsync(string path, CancellationToken ct)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            return Failure.Invalid("bundle", $"there is no file {path}");
        }
        if (info.Length > MaxBytes)
        {
            return Failure.Invalid("bundle", $"{path} is larger than {MaxBytes / (1024 * 1024)} MB");
        }
        try
        {
            await using var file = File.OpenRead(path);
            var bundle = await JsonSerializer.DeserializeAsync<LogBundle>(file, Json, ct);
            if (bundle is null || bundle.Format != FormatName)
            {
                return Failure.Invalid("bundle", $"{path} is not a {FormatName} file");
            }
            if (bundle.Checkpoint is null || bundle.Entries is null || bundle.Records is null)
            {
                return Failure.Invalid("bundle", $"{path} lacks its checkpoint, entries or records");
            }
            if (bundle.Entries.Any(e => e is null) || bundle.Records.Any(r => r is null || r.Kind is null || r.Record is null))
            {
                return Failure.Invalid("bundle", $"{path} has an empty entry or record");
            }
            return bundle;
        }
        catch (JsonException e)
        {
            return Failure.Invalid("bundle", $"{path} is not a readable bundle: {e.Message.Split(" Path:", 2)[0]}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failure.Invalid("bundle", $"{path} cannot be read: {e.Message}");
        }
    }

    /// <summary>The bundle as a source for the verifier: what it holds, and no proofs.</summary>
    public ILogSource AsSource() => new BundleSource(this);

    private sealed class BundleSource(LogBundle bundle) : ILogSource
    {
        private readonly ILookup<(string, string), PublishedRecordView> _records = bundle.Records.ToLookup(r => (r.Kind, r.Record));

        public string Describe => "bundle";

        public bool ServesProofs => false;

        public Task<string?> KeyAsync(CancellationToken ct) => Task.FromResult<string?>(bundle.Key);

        public Task<byte[]?> CheckpointAsync(CancellationToken ct) => Task.FromResult<byte[]?>(Encoding.UTF8.GetBytes(bundle.Checkpoint));

        public Task<IReadOnlyList<LogEntryView>> EntriesAsync(long start, long end, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<LogEntryView>>(bundle.Entries.Where(e => e is not null && e.Index >= start && e.Index < end).ToList());

        public Task<PublishedRecordView?> RecordAsync(string kind, string record, CancellationToken ct) =>
            Task.FromResult(_records[(kind, record)].FirstOrDefault());

        public Task<IReadOnlyList<string>?> InclusionAsync(long index, long size, CancellationToken ct) => Task.FromResult<IReadOnlyList<string>?>(null);

        public Task<IReadOnlyList<string>?> ConsistencyAsync(long from, long to, CancellationToken ct) => Task.FromResult<IReadOnlyList<string>?>(null);

        public long EntriesBeyond(long size) => bundle.Entries.LongCount(e => e.Index >= size);
    }
}
