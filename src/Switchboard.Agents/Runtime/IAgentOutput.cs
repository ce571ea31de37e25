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
