export type UnifiedFinishReason = 'stop' | 'length' | 'content-filter' | 'tool-calls' | 'error' | 'other';

/** The unified reason clients map from, plus the upstream's raw value for logs and passthrough. */
export interface FinishReason {
  unified: UnifiedFinishReason;
  raw?: string;
}
