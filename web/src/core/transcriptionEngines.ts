// The server's speech-to-text engines, as the Settings page shows them: one line per engine
// (translated status, languages, whether live calls use it) and, when sherpa-onnx cannot run,
// the notice that Chinese transcription needs its model.
import type { TranscriptionEngine } from '../api/types';

export type EngineLine = {
  name: string;
  ok: boolean;
  live: boolean;
  // i18n key of the status and of the languages.
  statusKey: string;
  languagesKey: string;
  languages: string[];
  // The server's own words for the operator (English): the model loaded, or what to set.
  detail: string;
};

const STATUS_KEYS: Record<TranscriptionEngine['status'], string> = {
  ready: 'settings.engineReady',
  not_built_in: 'settings.engineNotBuiltIn',
  no_model: 'settings.engineNoModel',
};

export function engineLines(engines: TranscriptionEngine[]): EngineLine[] {
  return engines.map((e) => ({
    name: e.name,
    ok: e.status === 'ready',
    live: e.live,
    statusKey: STATUS_KEYS[e.status],
    languagesKey: e.languages.length > 0 ? 'settings.engineLanguages' : 'settings.engineLanguagesOfModel',
    languages: e.languages,
    detail: e.detail,
  }));
}

// The i18n key of the notice to show, or null when Chinese can be transcribed (sherpa-onnx is
// ready) or the server said nothing about its engines.
export function chineseNotice(engines: TranscriptionEngine[]): string | null {
  if (engines.length === 0) return null;
  const sherpa = engines.find((e) => e.name === 'sherpa-onnx');
  if (sherpa?.status === 'ready') return null;
  return sherpa?.status === 'not_built_in' ? 'settings.chineseNeedsSherpaBuild' : 'settings.chineseNeedsSherpa';
}
