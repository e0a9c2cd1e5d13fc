using PxePowerShell.Engine.Http;

namespace PxePowerShell.Engine.Tests.Http;

/// <summary>Two servers over the same kind of root, one per body send mode, shared by a test class.</summary>
public sealed class HttpSiteFixture : IAsyncLifetime
{
    internal HttpTestSite ZeroCopy { get; private set; } = null!;

    internal HttpTestSite Copy { get; private set; } = null!;

    internal HttpTestSite For(string mode) => mode == nameof(HttpBodySendMode.Copy) ? Copy : ZeroCopy;

    public async Task InitializeAsync()
    {
        ZeroCopy = await HttpTestSite.StartAsync(mode: HttpBodySendMode.ZeroCopy);
        Copy = await HttpTestSite.StartAsync(mode: HttpBodySendMode.Copy);
    }

    public async Task DisposeAsync()
    {
        await ZeroCopy.DisposeAsync();
        await Copy.DisposeAsync();
    }
}
