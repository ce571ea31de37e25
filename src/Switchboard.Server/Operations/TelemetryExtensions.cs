using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Switchboard.Server.Identity;

namespace Switchboard.Server.Operations;

/// <summary>
/// OpenTelemetry for the server: its meter and the ASP.NET Core, HttpClient, runtime and Npgsql
/// instrumentation, scraped on <c>GET /metrics</c> (Prometheus text) and pushed over OTLP when
/// <see cref="TelemetryOptions.OtlpEndpoint"/> is set, which also turns on spans
/// (<see cref="SwitchboardTracing"/>) and their export.
/// </summary>
public static class TelemetryExtensions
{
    /// <summary>Registers metrics and, with an OTLP endpoint, traces.</summary>
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(TelemetryOptions.Section).Get<TelemetryOptions>() ?? new TelemetryOptions();
        builder.Services.AddOptions<TelemetryOptions>().BindConfiguration(TelemetryOptions.Section)
            .Validate(o => !o.ExportsOtlp || Uri.TryCreate(o.OtlpEndpoint, UriKind.Absolute, out var u) && u.Scheme is "http" or "https", "Telemetry:OtlpEndpoint must be an absolute http(s) address, for example http://127.0.0.1:4318.")
            .Validate(o => o.OtlpProtocol is "http/protobuf" or "grpc", "Telemetry:OtlpProtocol must be http/protobuf or grpc.")
            .Validate(o => o.TraceSampleRatio is >= 0 and <= 1, "Telemetry:TraceSampleRatio must be between 0 and 1.")
            .Validate(o => o.MetricExportIntervalMilliseconds >= 100, "Telemetry:MetricExportIntervalMilliseconds must be at least 100.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ServerGauges>();
        if (!options.Enabled)
        {
            return builder;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(options.ServiceName, serviceVersion: typeof(TelemetryExtensions).Assembly.GetName().Version?.ToString()))
            .WithMetrics(metrics =>
            {
                // Meters are matched by name across the whole process: a second host in it (tests,
                // an embedding application) would otherwise have its per-host instruments collected
                // here too, and its figures reported as this host's.
                ((IDeferredMeterProviderBuilder)metrics).Configure((services, builder) =>
                {
                    var own = services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
                    builder.AddView(instrument => instrument.Meter.Scope is System.Diagnostics.Metrics.IMeterFactory scope && !ReferenceEquals(scope, own) ? MetricStreamConfiguration.Drop : null);
                });
                metrics.AddMeter(SwitchboardMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddNpgsqlInstrumentation()
                    // Every scrape reads the figures afresh (tests and benchmarks read before and after).
                    .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
                if (options.ExportsOtlp)
                {
                    metrics.AddOtlpExporter((exporter, reader) =>
                    {
                        Otlp(exporter, options, "v1/metrics");
                        reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = options.MetricExportIntervalMilliseconds;
                    });
                }
            });
        if (options.ExportsOtlp)
        {
            telemetry.WithTracing(tracing => tracing
                .SetSampler(new ParentBasedSampler(new TraceIdRatioBasedSampler(options.TraceSampleRatio)))
                .AddSource(SwitchboardTracing.SourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsQuiet(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddOtlpExporter(exporter => Otlp(exporter, options, "v1/traces")));
        }

        return builder;
    }

    /// <summary>Health checks and scrapes would fill traces with nothing: they are not traced.</summary>
    private static bool IsQuiet(PathString path) =>
        path.StartsWithSegments("/metrics", StringComparison.Ordinal) || path.StartsWithSegments("/healthz", StringComparison.Ordinal) || path.StartsWithSegments("/readyz", StringComparison.Ordinal);

    private static void Otlp(OtlpExporterOptions exporter, TelemetryOptions options, string signalPath)
    {
        var endpoint = new Uri(options.OtlpEndpoint!.TrimEnd('/') + "/", UriKind.Absolute);
        exporter.Protocol = options.Grpc ? OtlpExportProtocol.Grpc : OtlpExportProtocol.HttpProtobuf;
        // Set in code, the address is used as given: OTLP/HTTP needs each signal's path on it.
        exporter.Endpoint = options.Grpc ? endpoint : new Uri(endpoint, signalPath);
        if (!string.IsNullOrWhiteSpace(options.OtlpHeaders))
        {
            exporter.Headers = options.OtlpHeaders;
        }
    }

    /// <summary>
    /// Maps <c>GET /metrics</c>: read access (a viewer key, or any signed-in user) unless
    /// <see cref="OperationsOptions.AnonymousMetrics"/>; <c>?gc=true</c> forces a full collection
    /// first where <see cref="OperationsOptions.AllowGcOnMetrics"/> allows it.
    /// </summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<IOptions<TelemetryOptions>>().Value.Enabled)
        {
            return app;
        }

        // The gauges exist from the first scrape on, with the services they read.
        app.ServiceProvider.GetRequiredService<ServerGauges>();
        var operations = app.ServiceProvider.GetRequiredService<IOptions<OperationsOptions>>().Value;
        var endpoint = app.MapPrometheusScrapingEndpoint("/metrics", meterProvider: null, configureBranchedPipeline: branch => branch.Use(async (context, next) =>
        {
            if (operations.AllowGcOnMetrics && context.Request.Query["gc"] == "true")
            {
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                GC.Collect();
            }

            await next(context);
        }), optionsName: null);
        if (operations.AnonymousMetrics)
        {
            endpoint.AllowAnonymous();
        }
        else
        {
            endpoint.RequireAuthorization(IdentityExtensions.ViewerPolicy);
        }

        endpoint.WithTags("Operations").ExcludeFromDescription();
        return app;
    }
}
