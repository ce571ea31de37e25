using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Switchboard.Agents.Runtime;
using Switchboard.Sdk;
using Switchboard.Server.Identity;
using Switchboard.Simulation;

namespace Switchboard.Server.Demo;

/// <summary>
/// Once the server listens, creates a demo agent key and viewer key, prints where to look, and
/// runs the call simulator in-process through the agent SDK against the server's own address.
/// </summary>
public sealed partial class DemoLoad(
    IOptions<DemoOptions> options,
    IOptions<Storage.StorageOptions> storage,
    ApiKeyStore keys,
    IServer server,
    IHostApplicationLifetime lifetime,
    ILoggerFactory loggers,
    ILogger<DemoLoad> logger) : BackgroundService
{
    private const string AgentKeyName = "demo-agent";
    private const string ViewerKeyName = "demo-viewer";

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!await WaitForStartAsync(stoppingToken))
        {
            return;
        }

        var baseUrl = LocalAddress();
        if (baseUrl is null)
        {
            LogNoAddress();
            return;
        }

        // Keys are stored hashed, so each start makes new demo keys and revokes the previous ones.
        foreach (var old in (await keys.ListAsync(stoppingToken)).Where(k => k.RevokedAt is null && k.Name is AgentKeyName or ViewerKeyName))
        {
            await keys.RevokeAsync(old.Id, stoppingToken);
        }

        var agentKey = (await keys.CreateAsync(AgentKeyName, ApiKeyScopes.Agent, stoppingToken)).Secret;
        var viewerKey = (await keys.CreateAsync(ViewerKeyName, ApiKeyScopes.Viewer, stoppingToken)).Secret;
        var demo = options.Value;
        var agentCalls = demo.Llm.IsConfigured ? Math.Min(demo.Llm.Calls, demo.Concurrency) : 0;
        var simulation = new SimulationOptions
        {
            Concurrency = Math.Max(demo.Concurrency - agentCalls, 1),
            CallsPerSecond = demo.CallsPerSecond,
            TimeScale = demo.TimeScale,
            Seed = demo.Seed,
        };
        await using var client = new SwitchboardClient(new SwitchboardClientOptions { ServerUrl = baseUrl, ApiKey = agentKey }, loggers);
        var simulator = new CallSimulator(simulation, ScenarioLibrary.BuiltIn(), [client]);
        Console.WriteLine(Banner(baseUrl, agentKey, viewerKey, simulator.CallId(0), demo, storage.Value.DatabasePath));
        var agents = agentCalls > 0 ? RunAgentsAsync(client, baseUrl, agentKey, demo, agentCalls, stoppingToken) : Task.CompletedTask;
        await Task.WhenAll(simulator.RunAsync(stoppingToken), agents);
    }

    private async Task RunAgentsAsync(SwitchboardClient client, Uri baseUrl, string agentKey, DemoOptions demo, int calls, CancellationToken stoppingToken)
    {
        LlmRouter llm;
        try
        {
            llm = LlmRouter.ForOpenAiCompatible(new LlmOptions { BaseUrl = demo.Llm.BaseUrl, ApiKey = demo.Llm.ApiKey, Model = demo.Llm.Model!, FallbackModel = demo.Llm.FallbackModel });
        }
        catch (ArgumentException ex)
        {
            LogNoAgents(ex.Message);
            return;
        }

        LogAgents(calls, demo.Llm.Model!);
        var demoAgents = new AgentDemo(client, baseUrl, agentKey, llm, new AgentOptions(), loggers.CreateLogger<AgentDemo>());
        await demoAgents.RunAsync(calls, TimeSpan.FromSeconds(demo.Llm.PauseSeconds * demo.TimeScale), stoppingToken);
    }

    private async Task<bool> WaitForStartAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        try
        {
            await started.Task.WaitAsync(stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>The first address the server listens on, with a wildcard host replaced by loopback.</summary>
    private Uri? LocalAddress()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault();
        if (address is null)
        {
            return null;
        }

        address = address.Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://localhost", StringComparison.Ordinal);
        return Uri.TryCreate(address, UriKind.Absolute, out var uri) ? uri : null;
    }

    private static string Banner(Uri url, string agentKey, string viewerKey, string firstCall, DemoOptions demo, string database)
    {
        var u = url.ToString().TrimEnd('/');
        var auth = $"-H \"Authorization: Bearer {viewerKey}\"";
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine($"Switchboard demo: up to {demo.Concurrency} simulated calls (about {demo.CallsPerSecond:0.##} new a second) reporting through the agent SDK.");
        text.AppendLine($"  dashboard     {u}/   (open it in a browser; on the first start sign in as 'admin' with the one-time password printed above)");
        text.AppendLine($"  database      {database}");
        text.AppendLine($"  agent key     {agentKey}   (for your own agent: SDK, or POST {u}/api/v1/events)");
        text.AppendLine($"  viewer key    {viewerKey}");
        text.AppendLine($"  active calls  curl {auth} {u}/api/v1/calls");
        text.AppendLine($"  wallboard     curl -N {auth} {u}/api/v1/wallboard/stream");
        text.AppendLine($"  one call      curl -N {auth} {u}/api/v1/calls/{firstCall}/stream");
        text.AppendLine($"  its history   curl {auth} \"{u}/api/v1/calls/{firstCall}/events?after=0\"");
        text.AppendLine($"  all calls     curl {auth} \"{u}/api/v1/calls?status=all\"");
        text.AppendLine($"  API document  {u}/openapi/v1.json      health {u}/readyz");
        text.AppendLine(demo.Llm.IsConfigured
            ? $"  agents        {Math.Min(demo.Llm.Calls, demo.Concurrency)} calls at a time answered by the reference agents on {demo.Llm.Model} (call ids AGENT_…)"
            : "  agents        set Demo:Llm:BaseUrl and Demo:Llm:Model to have some calls answered by the reference agents (docs/AGENTS.md)");
        text.AppendLine("  Set Demo:Enabled=false (or run outside the Development environment) to start without the load.");
        return text.ToString();
    }

    [LoggerMessage(EventId = 9002, Level = LogLevel.Warning, Message = "The demo's agent calls did not start: {Problem}")]
    private partial void LogNoAgents(string problem);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Information, Message = "The demo runs {Calls} calls at a time with the reference agents on {Model}")]
    private partial void LogAgents(int calls, string model);

    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "The demo load did not start: the server has no address to connect to")]
    private partial void LogNoAddress();
}
