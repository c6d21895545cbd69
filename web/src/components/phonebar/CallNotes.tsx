// Notes on a call (小记): everyone's notes read-only, the 10 newest first (after a transfer, the
// agents' before), and a box to add one's own, during the call and after it (the ended pop).
// One box at a time: a note typed on the last call and not saved must be saved or discarded
// before the next call's notes open.
import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Input, List, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CallNote } from '../../api/types';
import { api, unwrap } from '../../core/api';
import { blockedBy, setNoteDraft, useNoteDraft } from '../../core/noteDraft';
import { useShowError } from '../../errors';

/** How many notes the pop lists. */
export const NOTES_SHOWN = 10;

/** The newest `NOTES_SHOWN` notes, newest first, and how many older ones are left out. */
export function newestNotes(notes: CallNote[]): { shown: CallNote[]; older: number } {
  const newest = [...notes].sort((a, b) => b.created_at - a.created_at || b.id - a.id);
  return { shown: newest.slice(0, NOTES_SHOWN), older: Math.max(0, notes.length - NOTES_SHOWN) };
}

async function fetchNotes(live: boolean, record?: number): Promise<CallNote[]> {
  if (live) return unwrap(await api.GET('/api/v1/me/call/notes'));
  if (record == null) return [];
  return unwrap(await api.GET('/api/v1/me/calls/{id}/notes', { params: { path: { id: record } } }));
}

async function postNote(live: boolean, text: string, record?: number): Promise<void> {
  if (live) unwrap(await api.POST('/api/v1/me/call/notes', { body: { text } }));
  else if (record != null) unwrap(await api.POST('/api/v1/me/calls/{id}/notes', { params: { path: { id: record } }, body: { text } }));
}

/** `live`: the call is under way (notes go to the call the agent talks on); otherwise it has
 * ended and they go to its record. */
export default function CallNotes({ call, record, caller, live }: { call: string; record?: number; caller: string; live: boolean }) {
  const { t, i18n } = useTranslation();
  const showError = useShowError();
  const draft = useNoteDraft();
  const [notes, setNotes] = useState<CallNote[]>([]);
  const [saving, setSaving] = useState(false);
  const load = useCallback(async () => {
    const got = await fetchNotes(live, record);
    setNotes(Array.isArray(got) ? got : []);
  }, [live, record]);
  useEffect(() => {
    load().catch(() => setNotes([]));
  }, [call, load]);
  // The draft learns where it goes once the record is known.
  useEffect(() => {
    if (draft && draft.call === call && record != null && draft.record == null) setNoteDraft({ ...draft, record });
  }, [draft, call, record]);
  const text = draft?.call === call ? draft.text : '';
  const blocking = blockedBy(draft, call);
  const add = async () => {
    setSaving(true);
    try {
      await postNote(live, text.trim(), record);
      setNoteDraft(null);
      await load();
    } catch (e) {
      showError(e);
    } finally {
      setSaving(false);
    }
  };
  const savePrevious = async () => {
    if (!blocking) return;
    setSaving(true);
    try {
      await postNote(false, blocking.text.trim(), blocking.record);
      setNoteDraft(null);
    } catch (e) {
      showError(e);
    } finally {
      setSaving(false);
    }
  };
  const { shown, older } = newestNotes(notes);
  return (
    <div data-testid="call-notes" style={{ marginTop: 8 }}>
      <Typography.Text strong>{t('notes.title')}</Typography.Text>
      {shown.length > 0 && (
        <List
          size="small"
          dataSource={shown}
          renderItem={(n) => (
            <List.Item data-testid="call-note">
              <Space orientation="vertical" size={0}>
                <Typography.Text type="secondary">
                  {n.author_name ?? n.author_id} · {new Date(n.created_at).toLocaleTimeString(i18n.language)}
                </Typography.Text>
                <Typography.Text data-testid="call-note-text">{n.text}</Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      )}
      {older > 0 && (
        <Typography.Text type="secondary" data-testid="call-notes-older">
          {t('notes.older', { count: older })}
        </Typography.Text>
      )}
      {blocking ? (
        <Alert
          type="warning"
          style={{ marginTop: 4 }}
          data-testid="notes-blocked"
          title={t('notes.previousOpen', { caller: blocking.caller })}
          action={
            <Space>
              {blocking.record != null && (
                <Button size="small" type="primary" loading={saving} onClick={() => void savePrevious()} data-testid="notes-save-previous">
                  {t('notes.savePrevious')}
                </Button>
              )}
              <Button size="small" onClick={() => setNoteDraft(null)} data-testid="notes-discard-previous">
                {t('notes.discardPrevious')}
              </Button>
            </Space>
          }
        />
      ) : (
        <Space.Compact style={{ width: '100%', marginTop: 4 }}>
          <Input.TextArea
            value={text}
            onChange={(e) => setNoteDraft({ call, record, caller, text: e.target.value })}
            maxLength={2000}
            autoSize={{ minRows: 1, maxRows: 4 }}
            placeholder={t('notes.placeholder')}
            data-testid="call-note-input"
          />
          <Button onClick={() => void add()} loading={saving} disabled={!text.trim() || (!live && record == null)} data-testid="call-note-add">
            {t('notes.add')}
          </Button>
        </Space.Compact>
      )}
    </div>
  );
}
