using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Switchboard.Dashboard.Tests.Infrastructure;

/// <summary>
/// A loopback TCP relay between the browser and the server whose connections can be cut, as a
/// network loss would: every open connection is dropped and new ones are refused until restored.
/// </summary>
public sealed class CuttableProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly ConcurrentDictionary<Guid, Socket> _open = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private volatile bool _down;

    public CuttableProxy(Uri upstream)
    {
        _upstream = upstream;
        _listener.Start();
        BaseAddress = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = AcceptAsync(_stop.Token);
    }

    public Uri BaseAddress { get; }

    /// <summary>Drops every open connection and refuses new ones.</summary>
    public void Cut()
    {
        _down = true;
        foreach (var (id, socket) in _open)
        {
            // The sockets themselves are held (a relay that just ended may have disposed its
            // TcpClient, whose Client is then null); a reset on one already closed is a no-op.
            try
            {
                socket.LingerState = new LingerOption(true, 0);
            }
            catch (ObjectDisposedException)
            {
            }

            socket.Dispose();
            _open.TryRemove(id, out _);
        }
    }

    public void Restore() => _down = false;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        Cut();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(cancellationToken);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (_down)
            {
                client.Client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                continue;
            }

            _ = RelayAsync(client, cancellationToken);
        }
    }

    private async Task RelayAsync(TcpClient client, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        using var server = new TcpClient();
        _open[id] = client.Client;
        var serverId = Guid.NewGuid();
        try
        {
            await server.ConnectAsync(_upstream.Host, _upstream.Port, cancellationToken);
            _open[serverId] = server.Client;
            var a = client.GetStream().CopyToAsync(server.GetStream(), cancellationToken);
            var b = server.GetStream().CopyToAsync(client.GetStream(), cancellationToken);
            await Task.WhenAny(a, b);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // A cut or a closed side ends the relay.
        }
        finally
        {
            _open.TryRemove(id, out _);
            _open.TryRemove(serverId, out _);
            client.Dispose();
        }
    }
}
