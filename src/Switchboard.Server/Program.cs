using Switchboard.Server.Calls;
using Switchboard.Server.Dashboard;
using Switchboard.Server.Demo;
using Switchboard.Server.Identity;
using Switchboard.Server.Ingest;
using Switchboard.Server.Insights;
using Switchboard.Server.LiveKit;
using Switchboard.Server.Operations;
using Switchboard.Server.Storage;
using Switchboard.Server.Streaming;

var builder = WebApplication.CreateBuilder(args);
builder.AddStorage();
builder.AddIdentity();
builder.AddStreaming();
builder.AddCalls();
builder.AddIngest();
builder.AddInsights();
builder.AddLiveKit();
builder.AddOperations();
builder.AddDemo();

var app = builder.Build();
if (KeysCommand.Matches(args))
{
    return KeysCommand.Run(args, app.Services.GetRequiredService<ApiKeyStore>(), Console.Out, Console.Error);
}

app.UseOperations();
app.MapHealth();
app.MapMetrics();
app.MapIngest();
app.MapCalls();
app.MapStreaming();
app.MapLiveKit();
app.MapDashboard();
await app.RunAsync();
return 0;

/// <summary>The application entry point (public for the test host).</summary>
public partial class Program;
