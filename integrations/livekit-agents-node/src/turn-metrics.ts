import type { metrics as lkMetrics } from '@livekit/agents';

/** `metrics.turn` data under Switchboard's names (docs/PROTOCOL.md). */
export interface TurnMetrics {
  turnId?: string;
  endOfUtteranceMs?: number;
  sttMs?: number;
  llmTtftMs?: number;
  llmTotalMs?: number;
  ttsTtfbMs?: number;
  e2eMs?: number;
  promptTokens?: number;
  completionTokens?: number;
  model?: string;
}

/**
 * Folds the framework's per-component metrics (end of utterance, LLM, TTS) of one speech into one
 * Switchboard turn. A turn is reported when its TTS metrics arrive (the last of a spoken reply), or
 * when the next speech begins.
 */
export class TurnMetricsCollector {
  private current: TurnMetrics | undefined;

  constructor(private readonly emit: (turn: Record<string, unknown>) => void) {}

  add(m: lkMetrics.AgentMetrics): void {
    const speechId = 'speechId' in m ? (m as { speechId?: string }).speechId : undefined;
    if (speechId && this.current?.turnId && this.current.turnId !== speechId) this.flush();
    const turn = (this.current ??= {});
    if (speechId) turn.turnId = speechId;
    switch (m.type) {
      case 'eou_metrics':
        turn.endOfUtteranceMs = ms(m.endOfUtteranceDelayMs);
        turn.sttMs = ms(m.transcriptionDelayMs);
        break;
      case 'llm_metrics':
        // A reply after a tool call is a second LLM request of the same speech: the turn's time to
        // first token is the first request's, its total the sum.
        if (turn.llmTtftMs === undefined && m.ttftMs >= 0) turn.llmTtftMs = ms(m.ttftMs);
        turn.llmTotalMs = (turn.llmTotalMs ?? 0) + ms(m.durationMs);
        turn.promptTokens = (turn.promptTokens ?? 0) + Math.max(0, m.promptTokens);
        turn.completionTokens = (turn.completionTokens ?? 0) + Math.max(0, m.completionTokens);
        if (m.metadata?.modelName) turn.model = m.metadata.modelName;
        break;
      case 'tts_metrics':
        turn.ttsTtfbMs = ms(m.ttfbMs);
        this.flush();
        break;
      default:
        break;
    }
  }

  /** The assistant message's measured end to end latency, when the framework gives one. */
  e2e(milliseconds: number): void {
    if (this.current) this.current.e2eMs = ms(milliseconds);
  }

  flush(): void {
    const turn = this.current;
    this.current = undefined;
    if (!turn) return;
    if (turn.e2eMs === undefined && turn.endOfUtteranceMs !== undefined && turn.llmTtftMs !== undefined && turn.ttsTtfbMs !== undefined) {
      turn.e2eMs = turn.endOfUtteranceMs + turn.llmTtftMs + turn.ttsTtfbMs;
    }
    const data: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(turn)) if (v !== undefined) data[k] = v;
    if (Object.keys(data).some((k) => k !== 'turnId')) this.emit(data);
  }
}

function ms(value: number): number {
  return Number.isFinite(value) && value > 0 ? Math.round(value * 10) / 10 : 0;
}
