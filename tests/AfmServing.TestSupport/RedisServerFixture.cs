using Xunit;

namespace AfmServing.TestSupport;

/// <summary>
/// xUnit class fixture: one <see cref="RedisServer"/> shared by a test class. Tests sharing it should use their
/// own key prefix; tests that stop or pause Redis should start their own <see cref="RedisServer"/> instead.
/// </summary>
public sealed class RedisServerFixture : IAsyncLifetime
{
    private RedisServer? _server;

    public RedisServer Server => _server ?? throw new InvalidOperationException("fixture not initialised");

    public string ConnectionString => Server.ConnectionString;

    public async Task InitializeAsync() => _server = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
            await _server.DisposeAsync();
    }
}
