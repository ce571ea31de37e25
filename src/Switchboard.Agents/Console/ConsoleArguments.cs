using System.Globalization;
using Switchboard.Agents.Runtime;

namespace Switchboard.Agents.Console;

/// <summary>The command line of <c>switchboard-agent console</c>.</summary>
internal sealed record ConsoleArguments(string Persona, Uri? Server, string? ApiKey, LlmOptions Llm, string Caller, bool Debug, AgentOptions Agent)
{
    public const string Usage = """
        usage: switchboard-agent console --persona SET [--server URL --key AGENT_KEY] [model options]
          --persona SET          salon, contact-centre, interviewer, or the path of a persona YAML file
          --server URL           Switchboard's address (or SWITCHBOARD_URL); without it the agent runs alone
          --key KEY              agent API key (or SWITCHBOARD_API_KEY)
          --llm-url URL          OpenAI-compatible base URL (or LLM_BASE_URL), e.g. https://api.openai.com/v1/,
                                 http://localhost:11434/v1/ (Ollama), http://localhost:8000/v1/ (vLLM)
          --llm-key KEY          its API key (or LLM_API_KEY, or OPENAI_API_KEY)
          --model NAME           the model (or LLM_MODEL)
          --fallback-model NAME  tried when the model fails (or LLM_FALLBACK_MODEL)
          --caller NUMBER        the caller's number (default +15550100)
          --one-moment-ms N      say "One moment, please." when the first token is later than this (default 1500)
          --hold-seconds N       how long the caller holds for a supervisor (default 60)
          --debug                print the debug stream (tools, retries, fallbacks, timings)
        Type as the caller; an empty line is ignored; /quit hangs up.
        """;

    public static ConsoleArguments Parse(string[] args, Func<string, string?> environment)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var debug = false;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--debug")
            {
                debug = true;
                continue;
            }

            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }

            values[args[i][2..]] = args[++i];
        }

        string? Get(string name, params string[] env)
        {
            if (values.Remove(name, out var v))
            {
                return v;
            }

            return env.Select(environment).FirstOrDefault(e => !string.IsNullOrWhiteSpace(e));
        }

        var persona = Get("persona") ?? throw new ArgumentException("--persona is required (salon, contact-centre, interviewer or a YAML file).");
        var server = Get("server", "SWITCHBOARD_URL");
        var key = Get("key", "SWITCHBOARD_API_KEY");
        var llmUrl = Get("llm-url", "LLM_BASE_URL");
        var llm = new LlmOptions
        {
            BaseUrl = llmUrl is null ? null : Absolute(llmUrl, "--llm-url"),
            ApiKey = Get("llm-key", "LLM_API_KEY", "OPENAI_API_KEY"),
            Model = Get("model", "LLM_MODEL") ?? "",
            FallbackModel = Get("fallback-model", "LLM_FALLBACK_MODEL"),
        };
        var agent = new AgentOptions
        {
            OneMomentAfter = TimeSpan.FromMilliseconds(Number(Get("one-moment-ms"), 1500, "--one-moment-ms")),
            EscalationTimeout = TimeSpan.FromSeconds(Number(Get("hold-seconds"), 60, "--hold-seconds")),
        };
        var caller = Get("caller") ?? "+15550100";
        if (values.Count > 0)
        {
            throw new ArgumentException($"unknown option --{values.Keys.First()}");
        }

        var serverUri = server is null ? null : Absolute(server, "--server");
        if (serverUri is not null && string.IsNullOrWhiteSpace(key))
        {
            throw new ArgumentException("--key (an agent key) is required with --server.");
        }

        var problems = llm.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException("The agent needs a model: " + string.Join(" ", problems));
        }

        return new ConsoleArguments(persona, serverUri, key, llm, caller, debug, agent);
    }

    private static Uri Absolute(string value, string option) =>
        Uri.TryCreate(value.EndsWith('/') ? value : value + "/", UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new ArgumentException($"{option} must be an absolute http(s) address, not '{value}'.");

    private static double Number(string? value, double fallback, string option)
    {
        if (value is null)
        {
            return fallback;
        }

        return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{option} must be a positive number, not '{value}'.");
    }
}
