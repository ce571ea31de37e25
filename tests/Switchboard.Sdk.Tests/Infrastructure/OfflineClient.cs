namespace Switchboard.Sdk.Tests.Infrastructure;

/// <summary>A client whose server never answers (port 9, discard) and which does not retry soon: for tests of what it builds and reads.</summary>
public static class OfflineClient
{
    public static SwitchboardClient Create() => new(new SwitchboardClientOptions
    {
        ServerUrl = new Uri("http://127.0.0.1:9/"),
        ApiKey = "sbk_unused",
        ReconnectDelayMin = TimeSpan.FromSeconds(30),
        ReconnectDelayMax = TimeSpan.FromSeconds(30),
        ShutdownTimeout = TimeSpan.Zero,
    });
}
