import { afterEach, describe, expect, test } from 'vitest';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import i18n from '../../i18n';
import type { CallNote } from '../../api/types';
import { blockedBy, setNoteDraft } from '../../core/noteDraft';
import CallNotes, { NOTES_SHOWN, newestNotes } from './CallNotes';

const note = (id: number, at: number): CallNote => ({ id, author_id: 2, author_name: '坐席 1001', text: `n${id}`, created_at: at });

describe('newestNotes', () => {
  test('the 10 newest, newest first, and how many older ones are left out', () => {
    const notes = Array.from({ length: 13 }, (_, i) => note(i + 1, 1_000 + i));
    const { shown, older } = newestNotes(notes);
    expect(shown.map((n) => n.id)).toEqual([13, 12, 11, 10, 9, 8, 7, 6, 5, 4]);
    expect(shown).toHaveLength(NOTES_SHOWN);
    expect(older).toBe(3);
  });
  test('notes written in the same millisecond keep their order of writing', () => {
    expect(newestNotes([note(1, 5), note(2, 5), note(3, 4)]).shown.map((n) => n.id)).toEqual([2, 1, 3]);
  });
  test('a few notes are all shown', () => {
    expect(newestNotes([note(1, 1)])).toEqual({ shown: [note(1, 1)], older: 0 });
  });
});

describe('one note box at a time', () => {
  const draft = { call: '7', record: 70, caller: '13800138000', text: 'call back Monday' };
  test('an unsaved note on the last call blocks the next call', () => {
    expect(blockedBy(draft, '8')).toEqual(draft);
  });
  test('the same call is not blocked by its own note', () => {
    expect(blockedBy(draft, '7')).toBeNull();
  });
  test('a blank draft blocks nothing', () => {
    expect(blockedBy({ ...draft, text: '   ' }, '8')).toBeNull();
    expect(blockedBy(null, '8')).toBeNull();
  });
});

describe('the notes box of the next call', () => {
  afterEach(() => setNoteDraft(null));
  const render = (call: string) =>
    renderToStaticMarkup(createElement(I18nextProvider, { i18n }, createElement(CallNotes, { call, caller: '13900139000', live: true })));
  test('asks for the last call\'s unsaved note to be saved or discarded first', async () => {
    await i18n.changeLanguage('en');
    setNoteDraft({ call: '7', record: 70, caller: '13800138000', text: 'call back Monday' });
    const html = render('8');
    expect(html).toContain('data-testid="notes-blocked"');
    expect(html).toContain('13800138000');
    expect(html).toContain('data-testid="notes-save-previous"');
    expect(html).not.toContain('data-testid="call-note-input"');
  });
  test('without a record to save it to, the note can only be discarded', () => {
    setNoteDraft({ call: '7', caller: '13800138000', text: 'call back Monday' });
    const html = render('8');
    expect(html).toContain('data-testid="notes-discard-previous"');
    expect(html).not.toContain('data-testid="notes-save-previous"');
  });
  test('opens with the draft typed on the same call', () => {
    setNoteDraft({ call: '8', caller: '13900139000', text: 'half written' });
    const html = render('8');
    expect(html).toContain('half written');
    expect(html).not.toContain('notes-blocked');
  });
});
