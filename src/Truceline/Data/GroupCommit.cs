using System.Threading.Channels;

namespace Truceline.Data;

/// <summary>
/// Group commit (ADR-007): concurrent requests queue their items here, and one writer stores as many as are waiting (up
/// to the batch size) with one commit — one fsync for all of them — then answers each. A request is answered only when
/// the commit holding its item is done. If a batch fails, its items are stored one by one, so each gets its own answer
/// (or error). Disposing answers everything already queued before the writer stops.
/// </summary>
public sealed class GroupCommit<TItem, TResult> : IAsyncDisposable
{
    private sealed record Pending(TItem Item, TaskCompletionSource<TResult> Done);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly int _maxBatch;
    private readonly Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> _storeBatch;
    private readonly Func<TItem, Task<TResult>> _storeOne;
    private readonly Task _writer;

    /// <param name="storeBatch">Stores the items in one transaction and returns one answer per item, in order.</param>
    /// <param name="storeOne">Stores one item alone, after its batch failed.</param>
    public GroupCommit(int maxBatch, Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> storeBatch, Func<TItem, Task<TResult>> storeOne)
    {
        _maxBatch = maxBatch;
        _storeBatch = storeBatch;
        _storeOne = storeOne;
        _writer = Task.Run(WriteAsync);
    }

    public Task<TResult> StoreAsync(TItem item)
    {
        var pending = new Pending(item, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new InvalidOperationException("The writer is shutting down.");
        }
        return pending.Done.Task;
    }

    private async Task WriteAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }
            IReadOnlyList<TResult>? answers = null;
            try
            {
                answers = await _storeBatch(batch.Select(p => p.Item).ToList());
            }
            catch (Exception)
            {
                // Each alone, below: one bad item does not fail the others.
            }
            if (answers is not null && answers.Count == batch.Count)
            {
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(answers[i]);
                }
            }
            else
            {
                foreach (var p in batch)
                {
                    try
                    {
                        p.Done.TrySetResult(await _storeOne(p.Item));
                    }
                    catch (Exception e)
                    {
                        p.Done.TrySetException(e); // not acknowledged: the client sees an error and may send again
                    }
                }
            }
            batch.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }
}
