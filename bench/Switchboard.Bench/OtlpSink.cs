using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Switchboard.Bench;

/// <summary>A local OTLP/HTTP receiver for the telemetry benchmark: it reads and counts each export and answers as a collector does.</summary>
internal sealed class OtlpSink : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _traceRequests;
    private long _traceBytes;
    private long _metricRequests;

    private OtlpSink(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public long TraceRequests => Interlocked.Read(ref _traceRequests);

    public long TraceBytes => Interlocked.Read(ref _traceBytes);

    public long MetricRequests => Interlocked.Read(ref _metricRequests);

    public static async Task<OtlpSink> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var sink = new OtlpSink(app);
        app.MapPost("/v1/traces", async (HttpContext context) =>
        {
            Interlocked.Add(ref sink._traceBytes, await DrainAsync(context));
            Interlocked.Increment(ref sink._traceRequests);
            context.Response.ContentType = "application/x-protobuf";
        });
        app.MapPost("/v1/metrics", async (HttpContext context) =>
        {
            await DrainAsync(context);
            Interlocked.Increment(ref sink._metricRequests);
            context.Response.ContentType = "application/x-protobuf";
        });
        await app.StartAsync();
        sink.Url = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return sink;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private static async Task<long> DrainAsync(HttpContext context)
    {
        var buffer = new byte[16 * 1024];
        long total = 0;
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            total += read;
        }

        return total;
    }
}
