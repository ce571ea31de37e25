namespace Switchboard.Server.LiveKit;

// Request messages of the server API (LIVEKIT.md §3), grouped in one file because each is a list
// of fields. They are written as proto3 JSON the way LiveKit's JS SDK writes them: lowerCamelCase,
// defaults (false, 0, "", null) omitted, enums as names, durations as "30s", bytes as base64.

/// <summary><c>ListRoomsRequest</c>.</summary>
public sealed record ListRoomsRequest(IReadOnlyList<string>? Names = null);

/// <summary><c>ListParticipantsRequest</c> and <c>DeleteRoomRequest</c>.</summary>
public sealed record RoomRequest(string Room);

/// <summary><c>RoomParticipantIdentity</c> (GetParticipant, RemoveParticipant).</summary>
public sealed record RoomParticipantIdentity(string Room, string Identity);

/// <summary><c>MuteRoomTrackRequest</c>.</summary>
public sealed record MuteRoomTrackRequest(string Room, string Identity, string TrackSid, bool Muted);

/// <summary><c>UpdateParticipantRequest</c>: a null field is left unchanged; a permission replaces the whole set.</summary>
public sealed record UpdateParticipantRequest(
    string Room,
    string Identity,
    string? Metadata = null,
    ParticipantPermission? Permission = null,
    string? Name = null,
    IReadOnlyDictionary<string, string>? Attributes = null);

/// <summary><c>SendDataRequest</c> (kind RELIABLE, the default, is not written).</summary>
public sealed record SendDataRequest(
    string Room,
    byte[] Data,
    IReadOnlyList<string>? DestinationIdentities = null,
    string? Topic = null,
    byte[]? Nonce = null);

/// <summary><c>TransferSIPParticipantRequest</c>.</summary>
public sealed record TransferSipParticipantRequest(
    string ParticipantIdentity,
    string RoomName,
    string TransferTo,
    bool PlayDialtone = false,
    IReadOnlyDictionary<string, string>? Headers = null,
    string? RingingTimeout = null);

/// <summary><c>CreateSIPParticipantRequest</c> (the fields Switchboard uses).</summary>
public sealed record CreateSipParticipantRequest(
    string SipTrunkId,
    string SipCallTo,
    string RoomName,
    string? SipNumber = null,
    string? ParticipantIdentity = null,
    string? ParticipantName = null,
    string? ParticipantMetadata = null,
    IReadOnlyDictionary<string, string>? ParticipantAttributes = null,
    bool PlayDialtone = false,
    bool HidePhoneNumber = false,
    string? RingingTimeout = null,
    bool WaitUntilAnswered = false);

/// <summary><c>CreateAgentDispatchRequest</c>.</summary>
public sealed record CreateAgentDispatchRequest(string AgentName, string Room, string? Metadata = null);
