namespace Switchboard.Server.Calls;

/// <summary>The current state of the active calls, as the wallboard feed reads it.</summary>
internal interface ICallStates
{
    /// <summary>Every active call.</summary>
    ICollection<CallState> Active { get; }

    /// <summary>An active call's state, or null.</summary>
    CallState? Find(string callId);
}
