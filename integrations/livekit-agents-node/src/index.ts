export { attach, type AttachOptions, type EscalationResult, type RoomLike, type Supervision } from './attach.js';
export { Reporter, type EventSink, type ReporterOptions, type ReporterStatistics } from './reporter.js';
export { commandAck, httpBatchBody, readProblem, readSocketFrame, socketBatchFrame, EPHEMERAL_TYPES, type EventAck, type ProblemVerdict, type SwitchboardCommand, type WireEvent } from './protocol.js';
export { TurnMetricsCollector, type TurnMetrics } from './turn-metrics.js';
