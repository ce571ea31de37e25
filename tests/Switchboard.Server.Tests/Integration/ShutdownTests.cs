using Switchboard.Server.Tests.Infrastructure;

namespace Switchboard.Server.Tests.Integration;

public sealed class ShutdownTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "switchboard-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task A_graceful_stop_ends_open_streams_instead_of_waiting_for_them()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var viewerKey = (await ServerProcess.RunCommandAsync(_dataDirectory, cts.Token, "keys", "create", "--scope", "viewer", "--name", "v")).Output.Trim();
        using var server = await ServerProcess.StartAsync(_dataDirectory, cts.Token);
        using var viewer = new HttpClient { BaseAddress = server.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        viewer.DefaultRequestHeaders.Authorization = new("Bearer", viewerKey);

        var snapshot = new TaskCompletionSource();
        var stream = Task.Run(async () =>
        {
            await foreach (var frame in SseReader.ReadAsync(viewer, "/api/v1/wallboard/stream", null, cts.Token))
            {
                snapshot.TrySetResult();
            }
        });
        await snapshot.Task.WaitAsync(cts.Token);

        // The default shutdown timeout is 30 s: a stream that held the stop would hit this limit.
        using var quick = CancellationTokenSource.CreateLinkedTokenSource(cts.Token);
        quick.CancelAfter(TimeSpan.FromSeconds(20));
        await server.StopAsync(quick.Token);
        await stream.WaitAsync(quick.Token);
    }
}
