using Truceline.Web.Tests.Infrastructure;

[assembly: AssemblyFixture(typeof(Apps))]

namespace Truceline.Web.Tests.Infrastructure;

/// <summary>One running app per database, shared by the tests of the whole assembly; each test makes its own plan.</summary>
public sealed class Apps : IAsyncLifetime
{
    private readonly Dictionary<string, Task<TestApp>> _apps = [];
    private readonly Lock _lock = new();

    public Task<TestApp> Get(string kind)
    {
        lock (_lock)
        {
            if (!_apps.TryGetValue(kind, out var app))
            {
                _apps[kind] = app = TestApp.StartAsync(kind);
            }
            return app;
        }
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps.Values)
        {
            if (app.IsCompletedSuccessfully)
            {
                await (await app).DisposeAsync();
            }
        }
    }
}
