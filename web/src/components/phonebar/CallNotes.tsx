// Notes on the call being talked on (小记): everyone's notes read-only, oldest first (after a
// transfer, the agents' before), and a box to add one's own.
import { useCallback, useEffect, useState } from 'react';
import { Button, Input, List, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CallNote } from '../../api/types';
import { api, unwrap } from '../../core/api';
import { useShowError } from '../../errors';

export default function CallNotes({ call }: { call: string }) {
  const { t, i18n } = useTranslation();
  const showError = useShowError();
  const [notes, setNotes] = useState<CallNote[]>([]);
  const [text, setText] = useState('');
  const [saving, setSaving] = useState(false);
  const load = useCallback(async () => {
    const notes = unwrap(await api.GET('/api/v1/me/call/notes'));
    setNotes(Array.isArray(notes) ? notes : []);
  }, []);
  useEffect(() => {
    load().catch(() => setNotes([]));
  }, [call, load]);
  const add = async () => {
    setSaving(true);
    try {
      unwrap(await api.POST('/api/v1/me/call/notes', { body: { text } }));
      setText('');
      await load();
    } catch (e) {
      showError(e);
    } finally {
      setSaving(false);
    }
  };
  return (
    <div data-testid="call-notes" style={{ marginTop: 8 }}>
      <Typography.Text strong>{t('notes.title')}</Typography.Text>
      {notes.length > 0 && (
        <List
          size="small"
          dataSource={notes}
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
      <Space.Compact style={{ width: '100%', marginTop: 4 }}>
        <Input.TextArea
          value={text}
          onChange={(e) => setText(e.target.value)}
          maxLength={2000}
          autoSize={{ minRows: 1, maxRows: 4 }}
          placeholder={t('notes.placeholder')}
          data-testid="call-note-input"
        />
        <Button onClick={() => void add()} loading={saving} disabled={!text.trim()} data-testid="call-note-add">
          {t('notes.add')}
        </Button>
      </Space.Compact>
    </div>
  );
}
