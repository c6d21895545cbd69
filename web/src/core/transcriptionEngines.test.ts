import { describe, expect, test } from 'vitest';
import type { TranscriptionEngine } from '../api/types';
import { chineseNotice, engineLines } from './transcriptionEngines';

const pocketsphinx: TranscriptionEngine = { name: 'pocketsphinx', status: 'ready', languages: ['en'], live: true, detail: 'PocketSphinx 5.1.1' };
const sherpa = (status: TranscriptionEngine['status'], live = false): TranscriptionEngine => ({
  name: 'sherpa-onnx',
  status,
  languages: [],
  live,
  detail: status === 'ready' ? 'model loaded: sherpa-onnx (streaming transducer in /models/zh)' : 'no sherpa-onnx model directory configured: set sherpa_onnx_model_dir',
});

describe('transcription engines on the Settings page', () => {
  test.each<[string, TranscriptionEngine[], string | null]>([
    ['no model configured: Chinese needs one', [pocketsphinx, sherpa('no_model')], 'settings.chineseNeedsSherpa'],
    ['not built in: Chinese needs a sherpa build', [pocketsphinx, sherpa('not_built_in')], 'settings.chineseNeedsSherpaBuild'],
    ['a model loaded: no notice', [{ ...pocketsphinx, live: false }, sherpa('ready', true)], null],
    ['the server said nothing: no notice', [], null],
  ])('%s', (_, engines, notice) => expect(chineseNotice(engines)).toBe(notice));

  test('each engine shows its status, languages and whether live calls use it', () => {
    const lines = engineLines([pocketsphinx, sherpa('no_model')]);
    expect(lines).toEqual([
      { name: 'pocketsphinx', ok: true, live: true, statusKey: 'settings.engineReady', languagesKey: 'settings.engineLanguages', languages: ['en'], detail: 'PocketSphinx 5.1.1' },
      {
        name: 'sherpa-onnx',
        ok: false,
        live: false,
        statusKey: 'settings.engineNoModel',
        languagesKey: 'settings.engineLanguagesOfModel',
        languages: [],
        detail: 'no sherpa-onnx model directory configured: set sherpa_onnx_model_dir',
      },
    ]);
  });

  test('a loaded model is ready and live', () => {
    const [, s] = engineLines([{ ...pocketsphinx, live: false }, sherpa('ready', true)]);
    expect(s).toMatchObject({ ok: true, live: true, statusKey: 'settings.engineReady' });
  });
});
