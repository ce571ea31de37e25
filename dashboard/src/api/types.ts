// The server's API types, generated from its OpenAPI document (schema.d.ts), under short names.
import type { components } from "./schema";

type Schemas = components["schemas"];
export type WallboardSummary = Schemas["WallboardSummary"];
export type CallState = Schemas["CallState"];
export type StoredEvent = Schemas["StoredEvent"];
export type TranscriptLine = Schemas["TranscriptLine"];
export type CallList = Schemas["CallList"];
export type EventPage = Schemas["EventPage"];
export type SessionInfo = Schemas["SessionInfo"];
export type HelpRequest = Schemas["HelpRequest"];
export type HelpRequestView = Schemas["HelpRequestView"];
export type KbSearchHit = Schemas["KbSearchHit"];
export type QuickResponse = Schemas["QuickResponse"];
export type AuditEntry = Schemas["AuditEntry"];
export type KbEntry = Schemas["KbEntry"];
export type UserAccount = Schemas["User"];
export type ApiKeyInfo = Schemas["ApiKey"];
export type CreatedKey = Schemas["CreatedKey"];
export type CreatedUser = Schemas["CreatedUser"];
export type InterventionResult = Schemas["InterventionResult"];
export type TransferDestinationList = Schemas["TransferDestinationList"];
export type TransferDestinationView = Schemas["TransferDestinationView"];
export type BudgetBreach = Schemas["BudgetBreach"];
export type FleetLatency = Schemas["FleetLatency"];
export type FleetStageLatency = Schemas["FleetStageLatency"];

/** What the wallboard shows of one active call, with its attention score and reasons. */
export type WallboardCall = WallboardSummary;

/** JSON numbers may arrive as strings for 64-bit fields; read them as numbers. */
export function num(value: number | string | null | undefined): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "number" ? value : Number(value);
}

export type CallSummary = Schemas["CallSummary"];
export type TranscriptHit = Schemas["TranscriptHit"];
export type AnalyticsSummary = Schemas["AnalyticsSummary"];
export type AnalyticsFigures = Schemas["AnalyticsFigures"];
export type CriterionResult = Schemas["CriterionResult"];
export type OutboundSubscription = Schemas["SubscriptionView"];
export type CreatedSubscription = Schemas["CreatedSubscription"];
export type RotatedSecret = Schemas["RotatedSecret"];
export type CallCursor = Schemas["CallCursorView"];
export type DeliveryLogEntry = Schemas["DeliveryLogEntry"];
export type ReplayResult = Schemas["ReplayResult"];
