// Types of the server's API. Those of the read and stream API come from the generated schema;
// the shapes of routes whose documents are not in the server's OpenAPI output yet are declared
// here, narrowly, until they are.
import type { components } from "./schema";

type Schemas = components["schemas"];
export type WallboardSummary = Schemas["WallboardSummary"];
export type CallState = Schemas["CallState"];
export type StoredEvent = Schemas["StoredEvent"];
export type TranscriptLine = Schemas["TranscriptLine"];
export type CallList = Schemas["CallList"];
export type EventPage = Schemas["EventPage"];

/** What the wallboard shows of one active call, with its attention score and reasons. */
export type WallboardCall = WallboardSummary;

export interface SessionInfo {
  id: string;
  username: string;
  role: "viewer" | "supervisor" | "admin" | string;
  skills: string[];
  mustChangePassword: boolean;
  antiforgery: { headerName: string; token: string } | null;
}

export interface HelpRequest {
  id: string;
  callId: string;
  requestId: string;
  question: string;
  topic?: string | null;
  context?: string | null;
  status: string;
  requestedAt: string;
  timeoutAt?: string | null;
  claimedBy?: string | null;
  answer?: string | null;
}

/** A help request as the queue shows it: with hold time, the call's last lines and quick responses. */
export interface HelpRequestView {
  request: HelpRequest;
  holdSeconds: number | string;
  recentTranscript: TranscriptLine[];
  quickResponses: KbSearchHit[];
}

export interface KbSearchHit {
  id: number | string;
  question: string;
  answer: string;
  topic?: string | null;
  score: number;
}

export interface KbEntry {
  id: number | string;
  question: string;
  answer: string;
  topic?: string | null;
  status: string;
  sourceCallId?: string | null;
  duplicateOf?: number | string | null;
  occurrences?: number;
  createdAt?: string;
  reviewedBy?: string | null;
}

export interface UserAccount {
  id: string;
  username: string;
  role: string;
  skills: string[];
  disabled?: boolean;
  mustChangePassword?: boolean;
}

export interface ApiKeyInfo {
  id: string;
  name: string;
  scope: string;
  createdAt?: string;
  revokedAt?: string | null;
}

/** JSON numbers may arrive as strings for 64-bit fields; read them as numbers. */
export function num(value: number | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "number" ? value : Number(value);
}
