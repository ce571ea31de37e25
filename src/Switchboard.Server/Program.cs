using Switchboard.Server.Archive;
using Switchboard.Server.Calls;
using Switchboard.Server.Dashboard;
using Switchboard.Server.Demo;
using Switchboard.Server.Escalations;
using Switchboard.Server.Identity;
using Switchboard.Server.Ingest;
using Switchboard.Server.Insights;
using Switchboard.Server.Knowledge;
using Switchboard.Server.Latency;
using Switchboard.Server.LiveKit;
using Switchboard.Server.Operations;
using Switchboard.Server.Outbound;
using Switchboard.Server.Redaction;
using Switchboard.Server.Storage;
using Switchboard.Server.Streaming;
using Switchboard.Server.Supervision;

if (HelpCommand.Matches(args))
{
    return HelpCommand.Run(Console.Out);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddLogFormat();
builder.AddStorage();
builder.AddIdentity();
builder.AddRedaction();
builder.AddStreaming();
builder.AddCalls();
builder.AddIngest();
builder.AddInsights();
builder.AddLatency();
builder.AddLiveKit();
builder.AddOperations();
builder.AddTelemetry();
builder.AddSupervision();
builder.AddEscalations();
builder.AddKnowledge();
builder.AddArchive();
builder.AddOutbound();
builder.AddDemo();

var app = builder.Build();
if (app.Services.CheckStorage(Console.Error) is { } storageExit)
{
    return storageExit;
}

if (KeysCommand.Matches(args))
{
    return KeysCommand.Run(args, app.Services.GetRequiredService<ApiKeyStore>(), Console.Out, Console.Error);
}

if (ImportCommand.Matches(args))
{
    return await ImportCommand.RunAsync(args, app.Services, Console.Out, Console.Error, CancellationToken.None);
}

app.UseCallLogScope();
app.UseOperations();
app.UseSessions();
app.MapHealth();
app.MapMetrics();
app.MapAuth();
app.MapAdmin();
app.MapIngest();
app.MapCalls();
app.MapStreaming();
app.MapLatency();
app.MapLiveKit();
app.MapSupervision();
app.MapEscalations();
app.MapKnowledge();
app.MapArchive();
app.MapAnalytics();
app.MapOutbound();
app.MapDashboard();
await app.RunAsync();
return 0;

/// <summary>The application entry point (public for the test host).</summary>
public partial class Program;
