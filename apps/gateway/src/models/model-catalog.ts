/**
 * Base models the Gemini CLI (Code Assist) channel serves. gcli2api V3's list plus the models
 * gemini-cli 0.61 offers; admins get what Google actually answers for (a model the account cannot
 * use fails with a clear 404 and its credential cools down for it).
 */
export const CODE_ASSIST_BASE_MODELS: readonly string[] = Object.freeze([
  'gemini-2.5-pro',
  'gemini-2.5-flash',
  'gemini-2.5-flash-lite',
  'gemini-3-pro-preview',
  'gemini-3-flash-preview',
  'gemini-3.1-pro-preview',
]);

export interface ModelInfo {
  id: string;
  ownedBy: string;
  displayName: string;
  inputTokenLimit: number;
  outputTokenLimit: number;
}

export function describeModel(id: string): ModelInfo {
  return {
    id,
    ownedBy: 'google',
    displayName: id
      .split('-')
      .map((w) => (w === 'gemini' ? 'Gemini' : w.charAt(0).toUpperCase() + w.slice(1)))
      .join(' '),
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
  };
}
