namespace Switchboard.Server.Operations;

/// <summary>Configuration section <c>Telemetry</c>: OpenTelemetry metrics, traces and their export (docs/OPERATIONS.md).</summary>
public sealed class TelemetryOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Telemetry";

    /// <summary>
    /// Metrics (scraped on <c>/metrics</c>) and, with <see cref="OtlpEndpoint"/>, OTLP export. On by
    /// default; off leaves every instrument without a listener (and <c>/metrics</c> answers 404).
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The service name on exported telemetry.</summary>
    public string ServiceName { get; set; } = "switchboard";

    /// <summary>
    /// Base address of an OTLP receiver (a collector, Jaeger, Tempo, Langfuse), for example
    /// <c>http://127.0.0.1:4318</c> for OTLP/HTTP or <c>http://127.0.0.1:4317</c> for gRPC. Empty:
    /// no export, and spans are not recorded at all.
    /// </summary>
    public string? OtlpEndpoint { get; set; }

    /// <summary><c>http/protobuf</c> (default; signals go to <c>/v1/traces</c> and <c>/v1/metrics</c>) or <c>grpc</c>.</summary>
    public string OtlpProtocol { get; set; } = "http/protobuf";

    /// <summary>Headers sent with every export, <c>name=value</c> pairs separated by commas (an API key); never logged.</summary>
    public string? OtlpHeaders { get; set; }

    /// <summary>How often metrics are pushed over OTLP.</summary>
    public int MetricExportIntervalMilliseconds { get; set; } = 15_000;

    /// <summary>Share of traces recorded where the caller did not decide (a sampled parent is always followed); 0 to 1.</summary>
    public double TraceSampleRatio { get; set; } = 1.0;

    /// <summary>Whether traces are exported.</summary>
    public bool ExportsOtlp => !string.IsNullOrWhiteSpace(OtlpEndpoint);

    /// <summary>True for gRPC.</summary>
    public bool Grpc => string.Equals(OtlpProtocol, "grpc", StringComparison.OrdinalIgnoreCase);
}
