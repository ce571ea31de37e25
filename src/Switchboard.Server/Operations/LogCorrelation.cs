namespace Switchboard.Server.Operations;

/// <summary>
/// Log lines an operator can follow: <c>Logging:Format=json</c> writes one JSON object per line
/// with its scopes, and every line written while a request runs carries the request id, the trace
/// id (both also in every problem answer, as <c>requestId</c> and <c>traceId</c>) and, for a
/// request about one call, the call id (docs/OPERATIONS.md).
/// </summary>
public static class LogCorrelation
{
    /// <summary>The configuration key of the console format: <c>simple</c> (default) or <c>json</c>.</summary>
    public const string FormatKey = "Logging:Format";

    /// <summary>The scope property of a request's call id.</summary>
    public const string CallIdProperty = "CallId";

    private const string CallsPrefix = "/api/v1/calls/";

    /// <summary>Chooses the console format from <see cref="FormatKey"/>.</summary>
    /// <exception cref="InvalidOperationException">The format is neither <c>simple</c> nor <c>json</c>.</exception>
    public static IHostApplicationBuilder AddLogFormat(this IHostApplicationBuilder builder)
    {
        var format = builder.Configuration[FormatKey];
        switch (format?.ToLowerInvariant())
        {
            case null or "" or "simple":
                break; // the host's console logger, as configured under Logging:Console

            case "json":
                builder.Logging.AddJsonConsole(o =>
                {
                    o.IncludeScopes = true;
                    o.UseUtcTimestamp = true;
                    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
                });
                break;
            default:
                throw new InvalidOperationException($"{FormatKey} must be 'simple' or 'json', not '{format}'.");
        }

        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        return builder;
    }

    /// <summary>Puts the call id of <c>/api/v1/calls/{id}/…</c> requests into the log scope of everything the request logs.</summary>
    public static WebApplication UseCallLogScope(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Switchboard.Server.Requests");
        app.Use(async (context, next) =>
        {
            if (CallIdOf(context.Request.Path) is not { } callId)
            {
                await next(context);
                return;
            }

            using (logger.BeginScope(new[] { new KeyValuePair<string, object>(CallIdProperty, callId) }))
            {
                await next(context);
            }
        });
        return app;
    }

    /// <summary>The call id in a path under <c>/api/v1/calls/</c>, or null (the list, or an id too long to be one).</summary>
    internal static string? CallIdOf(PathString path)
    {
        var value = path.Value;
        if (value is null || !value.StartsWith(CallsPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var rest = value.AsSpan(CallsPrefix.Length);
        var end = rest.IndexOf('/');
        var id = end < 0 ? rest : rest[..end];
        return id.Length is > 0 and <= Contracts.Events.Limits.ShortText ? Uri.UnescapeDataString(id.ToString()) : null;
    }
}
