using Microsoft.Extensions.Logging;
using Switchboard.Sdk;

namespace Switchboard.Agents.Runtime;

/// <summary>
/// The demo's thinking calls: each built-in persona set answers a scripted caller (its
/// <c>demoCaller</c> lines, one per turn) with a real model, through the SDK, so the wallboard
/// shows live agents a supervisor can guide, take over and end. Runs until stopped.
/// </summary>
public sealed partial class AgentDemo(SwitchboardClient client, Uri server, string agentKey, LlmRouter llm, AgentOptions options, ILogger logger)
{
    /// <summary>Runs <paramref name="concurrency"/> calls at a time, rotating over the persona sets, until <paramref name="stoppingToken"/>.</summary>
    /// <param name="concurrency">Calls at once.</param>
    /// <param name="pause">The caller's pause before each line.</param>
    /// <param name="stoppingToken">Stops the demo.</param>
    public async Task RunAsync(int concurrency, TimeSpan pause, CancellationToken stoppingToken)
    {
        var sets = PersonaSet.BuiltIn().Where(s => s.DemoCaller.Count > 0).ToList();
        using var knowledge = new KnowledgeClient(server, agentKey);
        var next = 0;
        async Task LoopAsync(int lane)
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var set = sets[Interlocked.Increment(ref next) % sets.Count];
                try
                {
                    await CallAsync(set, knowledge, pause, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    // One demo call's failure is logged; it never stops the host.
                    LogCallFailed(lane, set.Id, ex.Message);
                }

                await Task.Delay(pause * 2, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(LoopAsync)).ConfigureAwait(false);
    }

    private async Task CallAsync(PersonaSet set, IKnowledgeBase knowledge, TimeSpan pause, CancellationToken stoppingToken)
    {
        var callId = "AGENT_" + set.Id.Replace('-', '_') + "_" + Guid.NewGuid().ToString("N")[..10];
        var runtime = new AgentRuntime(set, llm, knowledge, options);
        await using var session = runtime.OpenSession(new SwitchboardCallLink(client.OpenCall(callId)), SilentOutput.Instance);
        await session.StartAsync(new CallDetails { RoomName = callId, Direction = CallDirection.Inbound, CallerNumber = "+1555" + Random.Shared.Next(1000000, 9999999) }, "demo-caller", stoppingToken).ConfigureAwait(false);
        foreach (var line in set.DemoCaller)
        {
            await Task.WhenAny(Task.Delay(pause, stoppingToken), session.Ended).ConfigureAwait(false);
            if (session.Ended.IsCompleted || stoppingToken.IsCancellationRequested)
            {
                break;
            }

            await session.CallerSaysAsync(line, stoppingToken).ConfigureAwait(false);
        }

        if (!session.Ended.IsCompleted)
        {
            await Task.WhenAny(Task.Delay(pause, stoppingToken), session.Ended).ConfigureAwait(false);
            await session.HangUpAsync().ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 9101, Level = LogLevel.Warning, Message = "Demo agent call {Lane} ({Set}) failed: {Reason}")]
    private partial void LogCallFailed(int lane, string set, string reason);
}
