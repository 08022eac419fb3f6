using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Truceline.Web.Transparency;

/// <summary>Where 'truceline verify' reads a log from: the log itself over HTTP, or a bundle exported from it earlier.</summary>
public interface ILogSource
{
    /// <summary>"log" or "bundle", for messages.</summary>
    string Describe { get; }

    /// <summary>Whether inclusion and consistency proofs can be asked for (a bundle has the leaves, not the log's tree).</summary>
    bool ServesProofs { get; }

    Task<string?> KeyAsync(CancellationToken ct);

    Task<byte[]?> CheckpointAsync(CancellationToken ct);

    /// <summary>The entries in [start, end) it has (a missing one is simply not there).</summary>
    Task<IReadOnlyList<LogEntryView>> EntriesAsync(long start, long end, CancellationToken ct);

    /// <summary>A record as published now (or when the bundle was made); null if it is not published.</summary>
    Task<PublishedRecordView?> RecordAsync(string kind, string record, CancellationToken ct);

    Task<IReadOnlyList<string>?> InclusionAsync(long index, long size, CancellationToken ct);

    Task<IReadOnlyList<string>?> ConsistencyAsync(long from, long to, CancellationToken ct);

    /// <summary>How many entries it holds at or past the signed size (a log serves none; a bundle should hold none).</summary>
    long EntriesBeyond(long size) => 0;
}

/// <summary>A Truceline log over its public HTTP API (LogApi).</summary>
public sealed class HttpLogSource(HttpClient http) : ILogSource
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string Describe => "log";

    public bool ServesProofs => true;

    public async Task<string?> KeyAsync(CancellationToken ct) => await http.GetStringAsync("/api/v1/log/key", ct);

    public async Task<byte[]?> CheckpointAsync(CancellationToken ct)
    {
        using var response = await http.GetAsync("/api/v1/log/checkpoint", ct);
        return response.IsSuccessStatusCode ? await response.Content.ReadAsByteArrayAsync(ct) : null;
    }

    public async Task<IReadOnlyList<LogEntryView>> EntriesAsync(long start, long end, CancellationToken ct) =>
        (await http.GetFromJsonAsync<LogEntriesView>($"/api/v1/log/entries?start={start}&end={end}", Json, ct))?.Entries ?? [];

    public async Task<PublishedRecordView?> RecordAsync(string kind, string record, CancellationToken ct)
    {
        using var response = await http.GetAsync($"/api/v1/log/records/{Uri.EscapeDataString(kind)}/{Uri.EscapeDataString(record)}", ct);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.Content.ReadFromJsonAsync<PublishedRecordView>(Json, ct);
    }

    public async Task<IReadOnlyList<string>?> InclusionAsync(long index, long size, CancellationToken ct)
    {
        using var response = await http.GetAsync($"/api/v1/log/proof/inclusion?index={index}&size={size}", ct);
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<InclusionView>(Json, ct))?.Path : null;
    }

    public async Task<IReadOnlyList<string>?> ConsistencyAsync(long from, long to, CancellationToken ct)
    {
        using var response = await http.GetAsync($"/api/v1/log/proof/consistency?from={from}&to={to}", ct);
        return response.IsSuccessStatusCode ? (await response.Content.ReadFromJsonAsync<ConsistencyView>(Json, ct))?.Path : null;
    }

    public async Task<IReadOnlyList<WitnessView>> WitnessesAsync(CancellationToken ct) =>
        await http.GetFromJsonAsync<List<WitnessView>>("/api/v1/log/witnesses", Json, ct) ?? [];
}
