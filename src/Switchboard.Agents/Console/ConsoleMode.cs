using Microsoft.Extensions.Logging;
using Switchboard.Agents.Runtime;
using Switchboard.Sdk;

namespace Switchboard.Agents.Console;

/// <summary>
/// <c>switchboard-agent console</c>: the person at the terminal is the caller. The call is live in
/// Switchboard when a server is given, so a supervisor can guide, take over (the supervisor's
/// words then appear here), hand back and end it; without one the agent runs alone.
/// </summary>
internal static class ConsoleMode
{
    public static async Task<int> RunAsync(ConsoleArguments arguments, TextReader input, TextWriter output, CancellationToken cancellationToken)
    {
        var personas = PersonaSet.Load(arguments.Persona);
        var llm = LlmRouter.ForOpenAiCompatible(arguments.Llm);
        var callId = "CONSOLE_" + Guid.NewGuid().ToString("N")[..12];
        var screen = new ConsoleOutput(output);
        using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        SwitchboardClient? client = null;
        KnowledgeClient? knowledge = null;
        ICallLink inner = new StandaloneCallLink(callId);
        if (arguments.Server is { } server)
        {
            client = new SwitchboardClient(new SwitchboardClientOptions { ServerUrl = server, ApiKey = arguments.ApiKey }, loggers);
            knowledge = new KnowledgeClient(server, arguments.ApiKey!);
            inner = new SwitchboardCallLink(client.OpenCall(callId));
        }

        var link = new DebugEcho(inner, arguments.Debug ? screen : null);

        try
        {
            var runtime = new AgentRuntime(personas, llm, knowledge, arguments.Agent);
            await using var session = runtime.OpenSession(link, screen);
            screen.Line(arguments.Server is { } s
                ? $"[{personas.Title}: call {callId} is live in Switchboard at {new Uri(s, "calls/" + callId)}; a supervisor can guide, take over and end it]"
                : $"[{personas.Title}: call {callId}, running alone (no --server): nobody supervises, escalations find no supervisor]");
            screen.Line("[type as the caller; /quit hangs up]");
            await session.StartAsync(new CallDetails { RoomName = callId, Direction = CallDirection.Web, CallerNumber = arguments.Caller, CallerIdentity = "console-caller" }, "console-caller", cancellationToken);
            while (!session.Ended.IsCompleted)
            {
                // Console.In reads synchronously: on its own thread, so an ending call is noticed while the caller is silent.
                var read = Task.Run(() => input.ReadLineAsync(cancellationToken).AsTask(), cancellationToken);
                if (await Task.WhenAny(read, session.Ended) != read)
                {
                    break;
                }

                var line = await read;
                if (line is null || line.Trim() == "/quit")
                {
                    await session.HangUpAsync();
                    break;
                }

                await session.CallerSaysAsync(line.Trim(), cancellationToken);
            }

            screen.Line($"[call ended: {await session.Ended}]");
            return 0;
        }
        finally
        {
            knowledge?.Dispose();
            if (client is not null)
            {
                await client.FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>The terminal: the agent's and the supervisor's words, notices in brackets, one line each.</summary>
    private sealed class ConsoleOutput(TextWriter writer) : LineOutput
    {
        private readonly Lock _gate = new();

        public void Debug(string text) => Line($"  · {text}");

        public void Line(string text) => Write(text);

        protected override void Write(string text)
        {
            lock (_gate)
            {
                writer.WriteLine(text);
                writer.Flush();
            }
        }
    }

    /// <summary>Shows the debug stream on the terminal too (<c>--debug</c>) while reporting it to Switchboard.</summary>
    private sealed class DebugEcho(ICallLink inner, ConsoleOutput? screen) : DelegatingCallLink(inner)
    {
        public override void ToolCalled(string toolCallId, string name, string argumentsJson)
        {
            screen?.Debug($"tool {name}({argumentsJson})");
            base.ToolCalled(toolCallId, name, argumentsJson);
        }

        public override void ToolResult(string toolCallId, string name, bool ok, string? resultJson, string? error, double durationMs)
        {
            screen?.Debug($"tool {name} → {(ok ? resultJson : "error: " + error)} ({durationMs:0} ms)");
            base.ToolResult(toolCallId, name, ok, resultJson, error, durationMs);
        }

        public override void Turn(in TurnMetrics metrics)
        {
            screen?.Debug($"turn: first token {metrics.LlmTtftMs:0} ms, model {metrics.LlmTotalMs:0} ms, end to end {metrics.E2eMs:0} ms, {metrics.Model}");
            base.Turn(metrics);
        }

        public override void Debug(string message, string category)
        {
            screen?.Debug($"{category}: {message}");
            base.Debug(message, category);
        }
    }
}
