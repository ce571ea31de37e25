using System.Collections.Concurrent;

namespace Switchboard.Server.LiveKit;

/// <summary>
/// The agent participant and its voice track per call, learned from webhooks and the server API,
/// so muting the agent needs no lookup. Lost on restart; <see cref="LiveKitRoomControl"/> then asks LiveKit.
/// </summary>
public sealed class AgentTracks
{
    private readonly ConcurrentDictionary<string, AgentAudio> _calls = new(StringComparer.Ordinal);

    /// <summary>What is known of the call's agent.</summary>
    public AgentAudio? Find(string callId) => _calls.GetValueOrDefault(callId);

    /// <summary>The agent of the call (its track, if any, is kept when the identity is the same).</summary>
    public void RememberAgent(string callId, string identity) =>
        _calls.AddOrUpdate(callId, _ => new AgentAudio(identity, null), (_, old) => old.Identity == identity ? old : new AgentAudio(identity, null));

    /// <summary>The agent's voice track.</summary>
    public void RememberTrack(string callId, string identity, string trackSid) => _calls[callId] = new AgentAudio(identity, trackSid);

    /// <summary>True when the identity is the call's known agent.</summary>
    public bool IsAgent(string callId, string identity) => _calls.TryGetValue(callId, out var a) && a.Identity == identity;

    /// <summary>Forgets a track that was unpublished.</summary>
    public void ForgetTrack(string callId, string trackSid)
    {
        if (_calls.TryGetValue(callId, out var a) && a.TrackSid == trackSid)
        {
            _calls.TryUpdate(callId, a with { TrackSid = null }, a);
        }
    }

    /// <summary>Forgets the agent when it left.</summary>
    public void ForgetAgent(string callId, string identity)
    {
        if (_calls.TryGetValue(callId, out var a) && a.Identity == identity)
        {
            _calls.TryRemove(new KeyValuePair<string, AgentAudio>(callId, a));
        }
    }

    /// <summary>Forgets everything about an ended call.</summary>
    public void ForgetCall(string callId) => _calls.TryRemove(callId, out _);
}

/// <summary>The agent participant of a call and its voice track SID.</summary>
public sealed record AgentAudio(string Identity, string? TrackSid);
