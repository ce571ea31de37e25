// Parses every Twirp request body Switchboard sent with the matching @livekit/protocol message in
// strict mode (unknown fields are errors), and verifies each request's token with the official
// TokenVerifier, returning its grants.
// stdin: { apiKey, apiSecret, requests: [{ method, body, token }] }
// stdout: [{ method, ok, message?, error?, video?, sip? }]
import * as protocol from '@livekit/protocol';
import { TokenVerifier } from 'livekit-server-sdk';
import { readInput, writeOutput, errorText } from './lib.mjs';

const requestTypes = {
  'livekit.RoomService/ListRooms': 'ListRoomsRequest',
  'livekit.RoomService/ListParticipants': 'ListParticipantsRequest',
  'livekit.RoomService/GetParticipant': 'RoomParticipantIdentity',
  'livekit.RoomService/MutePublishedTrack': 'MuteRoomTrackRequest',
  'livekit.RoomService/UpdateParticipant': 'UpdateParticipantRequest',
  'livekit.RoomService/RemoveParticipant': 'RoomParticipantIdentity',
  'livekit.RoomService/DeleteRoom': 'DeleteRoomRequest',
  'livekit.RoomService/SendData': 'SendDataRequest',
  'livekit.SIP/TransferSIPParticipant': 'TransferSIPParticipantRequest',
  'livekit.SIP/CreateSIPParticipant': 'CreateSIPParticipantRequest',
  'livekit.AgentDispatchService/CreateDispatch': 'CreateAgentDispatchRequest',
};

const input = await readInput();
const verifier = new TokenVerifier(input.apiKey, input.apiSecret);
const results = [];
for (const request of input.requests) {
  const result = { method: request.method, ok: false };
  const typeName = requestTypes[request.method];
  try {
    if (!typeName) throw new Error(`no request type known for ${request.method}`);
    const message = protocol[typeName].fromJson(JSON.parse(request.body), { ignoreUnknownFields: false });
    result.message = typeName;
    result.parsed = message.toJson();
    const claims = await verifier.verify(request.token);
    result.video = claims.video ?? null;
    result.sip = claims.sip ?? null;
    result.ok = true;
  } catch (error) {
    result.error = errorText(error);
  }
  results.push(result);
}
writeOutput(results);
