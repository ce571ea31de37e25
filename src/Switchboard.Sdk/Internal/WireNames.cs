namespace Switchboard.Sdk.Internal;

/// <summary>The wire spelling of the SDK's enums (static strings: no allocation when reporting).</summary>
internal static class WireNames
{
    private static readonly string[] States = ["initializing", "idle", "listening", "thinking", "speaking"];
    private static readonly string[] Speakers = ["customer", "agent", "supervisor", "human_agent"];
    private static readonly string[] Reasons = ["completed", "caller_hangup", "transferred", "supervisor_ended", "agent_error", "room_finished"];
    private static readonly string[] Directions = ["inbound", "outbound", "web"];

    public static string Of(AgentState value) => Pick(States, (int)value);

    public static string Of(Speaker value) => Pick(Speakers, (int)value);

    public static string Of(CallEndReason value) => Pick(Reasons, (int)value);

    public static string Of(CallDirection value) => Pick(Directions, (int)value);

    // An undefined enum value is sent as "invalid"; the server refuses that event and the SDK drops it.
    private static string Pick(string[] names, int index) => (uint)index < (uint)names.Length ? names[index] : "invalid";
}
