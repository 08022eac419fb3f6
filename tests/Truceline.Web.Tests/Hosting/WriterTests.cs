using Microsoft.EntityFrameworkCore;
using Truceline.Access;
using Truceline.Data;
using Truceline.Web.Tests.Infrastructure;

namespace Truceline.Web.Tests.Hosting;

/// <summary>Writers take turns: on SQLite at the process's gate, on PostgreSQL at the advisory lock; either way the next
/// goes in when the one before commits, rolls back or is dropped, and never before.</summary>
public sealed class WriterTests
{
    [Theory, MemberData(nameof(Databases.All), MemberType = typeof(Databases))]
    public async Task AWriterWaitsForTheOneBeforeItAndGoesInWhenThatOneEnds(string db)
    {
        var target = Databases.Fresh(db);
        await Migrator.MigrateAsync(target);
        await using var a = target.CreateContext(TimeProvider.System);
        await using var b = target.CreateContext(TimeProvider.System);
        a.Viewer = b.Viewer = Viewer.System("test");

        foreach (var end in new[] { "commit", "rollback", "dispose" })
        {
            var first = await Writes.BeginAsync(a);
            a.Settings.Add(new Setting { Key = $"writer-test-{end}", Value = "first" });
            await a.SaveChangesAsync();
            var second = Writes.BeginAsync(b);
            // Still waiting while the first is open (a second writer would otherwise decide on state the first is changing).
            await Task.WhenAny(second, Task.Delay(500));
            Assert.False(second.IsCompleted, $"the second writer went in while the first was open ({end})");
            switch (end)
            {
                case "commit":
                    await first.CommitAsync();
                    break;
                case "rollback":
                    await first.RollbackAsync();
                    break;
                default:
                    await first.DisposeAsync();
                    break;
            }
            a.ChangeTracker.Clear();
            await using (var tx = await second.WaitAsync(TimeSpan.FromSeconds(20)))
            {
                // In, and it sees what the first left: its row if committed, nothing otherwise.
                Assert.Equal(end == "commit", await b.Settings.AnyAsync(s => s.Key == $"writer-test-{end}"));
                await tx.CommitAsync();
            }
            if (end == "commit")
            {
                await first.DisposeAsync(); // a second release does not let two writers in later
            }
        }
        // The gate is free again: a writer goes in at once.
        await using var last = await Writes.BeginAsync(a).WaitAsync(TimeSpan.FromSeconds(20));
    }
}
