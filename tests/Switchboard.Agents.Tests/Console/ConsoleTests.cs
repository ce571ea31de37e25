using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using Switchboard.Agents.Tests.Infrastructure;
using Switchboard.Testing;
using Switchboard.Testing.OpenAiCompatible;
using static Switchboard.Agents.Tests.Infrastructure.Agents;

namespace Switchboard.Agents.Tests.Console;

/// <summary><c>switchboard-agent console</c> as its own process, typed into through standard input, read from standard output.</summary>
[Collection(AgentServerCollection.Name)]
public sealed partial class ConsoleTests(AgentTestServer server)
{
    [Fact]
    public async Task A_caller_at_the_console_talks_to_the_agent_and_sees_a_supervisor_take_over_hand_back_and_end_the_call()
    {
        var script = new ScriptedModel(ChatReply.Say("Sure, what time suits you on Saturday?"), ChatReply.Say("Welcome back. Shall I confirm Saturday at ten?"));
        await using var model = await OpenAiCompatibleDouble.StartAsync(script.Respond);
        using var console = AgentConsole.Start("--persona", "salon", "--server", server.Url.ToString(), "--key", server.AgentKey, "--llm-url", model.BaseUrl.ToString(), "--model", "model-a");

        var live = await console.WaitForLineAsync("is live in Switchboard");
        var callId = CallIdIn().Match(live).Groups[1].Value;
        await console.WaitForLineAsync("Bella, Bloom Salon reception> Thank you for calling Bloom Salon");
        await console.SayAsync("Hi, can I book a cut on Saturday?");
        await console.WaitForLineAsync("Bella, Bloom Salon reception> Sure, what time suits you on Saturday?");

        await server.ActAsync(callId, "takeover");
        await console.WaitForLineAsync("[A supervisor has taken over the call.]");
        await server.ActAsync(callId, "say", new { text = "Hi, this is Sam, the manager. Ten o'clock is free." });
        await console.WaitForLineAsync("supervisor> Hi, this is Sam, the manager. Ten o'clock is free.");
        await console.SayAsync("Thanks Sam, ten is perfect.");
        await server.WaitForEventAsync(callId, "transcript.final", Wait, d => d.GetProperty("text").GetString() == "Thanks Sam, ten is perfect.");
        Assert.Single(model.Requests);

        await server.ActAsync(callId, "handback", new { note = "wants Saturday 10:00" });
        await console.WaitForLineAsync("[The supervisor handed the call back to the agent.]");
        await console.WaitForLineAsync("Bella, Bloom Salon reception> Welcome back. Shall I confirm Saturday at ten?");
        Assert.Contains("wants Saturday 10:00", model.Requests[1].SystemText, StringComparison.Ordinal);

        await server.ActAsync(callId, "end");
        await console.WaitForLineAsync("[A supervisor ended the call.]");
        await console.WaitForLineAsync("[call ended: SupervisorEnded]");
        Assert.Equal(0, await console.ExitCodeAsync());
        var ended = await server.WaitForEventAsync(callId, "call.ended", Wait);
        Assert.Equal("supervisor_ended", ended.GetProperty("data").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Without_a_server_the_console_runs_alone_and_quit_hangs_up()
    {
        await using var model = await OpenAiCompatibleDouble.StartAsync(new ScriptedModel(ChatReply.Say("We open at nine.")).Respond);
        using var console = AgentConsole.Start("--persona", "salon", "--llm-url", model.BaseUrl.ToString(), "--model", "model-a");
        await console.WaitForLineAsync("running alone (no --server)");
        await console.SayAsync("When do you open?");
        await console.WaitForLineAsync("Bella, Bloom Salon reception> We open at nine.");
        await console.SayAsync("/quit");
        await console.WaitForLineAsync("[call ended: CallerHangup]");
        Assert.Equal(0, await console.ExitCodeAsync());
    }

    [Fact]
    public async Task Without_a_model_the_console_says_what_to_configure()
    {
        using var console = AgentConsole.Start("--persona", "salon");
        Assert.Equal(2, await console.ExitCodeAsync());
        Assert.Contains("The LLM's base URL is required", console.Error, StringComparison.Ordinal);
        Assert.Contains("--llm-url", console.Error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"call (CONSOLE_[0-9a-f]+)")]
    private static partial Regex CallIdIn();

    /// <summary>The console's process: lines written to its input, its output kept line by line.</summary>
    private sealed class AgentConsole : IDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _lines = new();
        private readonly ConcurrentQueue<string> _errors = new();

        private AgentConsole(Process process)
        {
            _process = process;
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    _lines.Enqueue(e.Data);
                }
            };
            _process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    _errors.Enqueue(e.Data);
                }
            };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public string Error => string.Join("\n", _errors);

        public static AgentConsole Start(params string[] args)
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var dll = Path.Combine(ServerProcess.RepositoryRoot, "src", "Switchboard.Agents", "bin", configuration, "net10.0", "switchboard-agent.dll");
            var info = new ProcessStartInfo("dotnet") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(dll);
            info.ArgumentList.Add("console");
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            foreach (var name in new[] { "LLM_BASE_URL", "LLM_API_KEY", "OPENAI_API_KEY", "LLM_MODEL", "LLM_FALLBACK_MODEL", "SWITCHBOARD_URL", "SWITCHBOARD_API_KEY" })
            {
                info.Environment.Remove(name);
            }

            return new AgentConsole(Process.Start(info)!);
        }

        public async Task SayAsync(string line)
        {
            await _process.StandardInput.WriteLineAsync(line);
            await _process.StandardInput.FlushAsync();
        }

        public async Task<string> WaitForLineAsync(string text)
        {
            using var cts = new CancellationTokenSource(Wait);
            while (true)
            {
                var line = _lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal));
                if (line is not null)
                {
                    return line;
                }

                try
                {
                    await Task.Delay(20, cts.Token);
                }
                catch (OperationCanceledException)
                {
                    throw new TimeoutException($"the console never printed '{text}'; it printed: {string.Join(" | ", _lines)}; errors: {Error}");
                }
            }
        }

        public async Task<int> ExitCodeAsync()
        {
            using var cts = new CancellationTokenSource(Wait);
            await _process.WaitForExitAsync(cts.Token);
            return _process.ExitCode;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            _process.Dispose();
        }
    }
}
