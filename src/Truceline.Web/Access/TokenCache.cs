using System.Collections.Concurrent;
using System.Diagnostics;
using Truceline.Access;
using Truceline.Data;

namespace Truceline.Web.Access;

/// <summary>
/// What was read for each bearer token lately, kept while nothing about who may use the API has changed
/// (<see cref="AccessChanges"/>): checking a token in the database on every request had been a third of the work of
/// storing a report. A change committed in this process is seen by the next request; one committed elsewhere (another
/// node, the command line) within <see cref="Interval"/>, when this reads the database's count again. If the count
/// cannot be read for <see cref="Trusted"/> (the database unreachable, the machine starved), nothing kept is used:
/// every request reads its token again, as before.
/// </summary>
public sealed class TokenCache(DatabaseTarget database, TimeProvider time, ILogger<TokenCache> log) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>How old the last read of the database's count may be for anything kept to be used.</summary>
    public static readonly TimeSpan Trusted = TimeSpan.FromSeconds(1);

    /// <summary>Past this many tokens, all are dropped and read again (a bound, not a policy: a deployment has hundreds).</summary>
    private const int MaxTokens = 10_000;

    private sealed record Kept(BearerTokenHandler.Found Found, long Stored, long Here);

    private readonly ConcurrentDictionary<string, Kept> _kept = new();
    private long _stored = -1;
    private long _readAt;

    /// <summary>Both counts, read before a token is read from the database: if either moves meanwhile, what is kept with
    /// them is never used.</summary>
    internal (long Stored, long Here) Counts() => (Volatile.Read(ref _stored), AccessChanges.Here(database.ConnectionString));

    internal BearerTokenHandler.Found? Find(string hash)
    {
        var stored = Volatile.Read(ref _stored);
        if (stored < 0 || Stopwatch.GetElapsedTime(Volatile.Read(ref _readAt)) > Trusted)
        {
            return null;
        }
        return _kept.TryGetValue(hash, out var kept) && kept.Stored == stored && kept.Here == AccessChanges.Here(database.ConnectionString) ? kept.Found : null;
    }

    internal void Keep(string hash, BearerTokenHandler.Found found, (long Stored, long Here) counts)
    {
        if (counts.Stored < 0)
        {
            return;
        }
        if (_kept.Count >= MaxTokens)
        {
            _kept.Clear();
        }
        _kept[hash] = new Kept(found, counts.Stored, counts.Here);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Loop(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    // A thread of its own: on the thread pool, a busy server would delay the read past Trusted, and every request would
    // read its token again just when the work matters most.
    private void Loop(CancellationToken stoppingToken)
    {
        var failing = false;
        do
        {
            try
            {
                // Timed from before the read: a change committed while it runs may not be in it.
                var at = Stopwatch.GetTimestamp();
                long stored;
                using (var db = database.CreateContext(time))
                {
                    stored = AccessChanges.Stored(db);
                }
                if (stored != Volatile.Read(ref _stored))
                {
                    _kept.Clear();
                    Volatile.Write(ref _stored, stored);
                }
                Volatile.Write(ref _readAt, at);
                failing = false;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // Safe meanwhile: past Trusted, every request reads its token. Said once, not four times a second.
                if (!failing)
                {
                    log.LogError(e, "Could not read the count of changes to users and tokens; checking every token in the database until it can");
                }
                failing = true;
            }
        }
        // Real time: this watches the database, it schedules nothing the application's clock should move.
        while (!stoppingToken.WaitHandle.WaitOne(Interval));
    }
}
