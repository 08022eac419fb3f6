using Truceline.Data;

namespace Truceline.Tests.Data;

public sealed class WriterGateTests
{
    [Fact]
    public async Task AWriterThatFindsTheGateTakenIsCountedAsQueuedAndOneThatFindsItFreeIsNot()
    {
        // Grouping stands aside between its batches only if a writer queued meanwhile (GroupReports' shareWriter).
        var database = $"gate-{Guid.NewGuid():N}.db";
        var first = await WriterGate.EnterAsync(database, CancellationToken.None);
        Assert.Equal(0, WriterGate.QueuedSoFar(database));

        var second = WriterGate.EnterAsync(database, CancellationToken.None);
        Assert.False(second.IsCompleted);
        Assert.Equal(1, WriterGate.QueuedSoFar(database));
        first.Release();
        (await second).Release();

        // The synchronous way in counts the same: free, then taken.
        WriterGate.Enter(database).Release();
        Assert.Equal(1, WriterGate.QueuedSoFar(database));
        var held = WriterGate.Enter(database);
        var third = Task.Run(() => WriterGate.Enter(database));
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (WriterGate.QueuedSoFar(database) < 2 && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10);
        }
        Assert.Equal(2, WriterGate.QueuedSoFar(database));
        Assert.False(third.IsCompleted);
        held.Release();
        (await third).Release();

        // Each database has its own gate and count.
        Assert.Equal(0, WriterGate.QueuedSoFar($"other-{database}"));
    }
}
