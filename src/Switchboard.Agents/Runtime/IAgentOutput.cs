namespace Switchboard.Agents.Runtime;

/// <summary>Who said a line the caller hears.</summary>
public enum Voice
{
    /// <summary>The AI agent (its current persona).</summary>
    Agent,

    /// <summary>A supervisor during a take-over, through the agent's voice.</summary>
    Supervisor,
}

/// <summary>
/// Where an agent's words go: the console prints them; a voice front end would send them to
/// text-to-speech (<c>Speech/</c>); the demo's scripted caller reads them.
/// </summary>
public interface IAgentOutput
{
    /// <summary>Says <paramref name="text"/> to the caller.</summary>
    ValueTask SpeakAsync(Voice voice, string speakerName, string text, CancellationToken cancellationToken);

    /// <summary>Something the person at the console should know that the caller does not hear (a take-over, the end).</summary>
    ValueTask NoticeAsync(string text, CancellationToken cancellationToken);
}

/// <summary>
/// An output of one text line per utterance, as the console shows them: <c>{persona}&gt; …</c> for
/// the agent, <c>supervisor&gt; …</c> for a supervisor's words, <c>[…]</c> for notices.
/// </summary>
public abstract class LineOutput : IAgentOutput
{
    /// <inheritdoc />
    public ValueTask SpeakAsync(Voice voice, string speakerName, string text, CancellationToken cancellationToken)
    {
        Write(voice == Voice.Supervisor ? $"supervisor> {text}" : $"{speakerName}> {text}");
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask NoticeAsync(string text, CancellationToken cancellationToken)
    {
        Write($"[{text}]");
        return ValueTask.CompletedTask;
    }

    /// <summary>Writes one line.</summary>
    protected abstract void Write(string line);
}

/// <summary>Hears nothing: for a caller who reads a script (the demo) or a benchmark; the words are still in the call's transcript.</summary>
public sealed class SilentOutput : IAgentOutput
{
    /// <summary>The one instance.</summary>
    public static readonly SilentOutput Instance = new();

    private SilentOutput()
    {
    }

    /// <inheritdoc />
    public ValueTask SpeakAsync(Voice voice, string speakerName, string text, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask NoticeAsync(string text, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
