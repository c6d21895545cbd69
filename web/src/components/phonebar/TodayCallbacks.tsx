// Today's scheduled callbacks (今日预约回呼) in the agent workspace: call back with one click
// (through the phone bar's dial), reschedule, mark done, delete. When one falls due the page
// says so and, with notifications allowed, the desktop shows a notification.
import { useCallback, useEffect, useRef, useState } from 'react';
import { App as AntApp, Badge, Button, Card, Empty, List, Popconfirm, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Callback } from '../../api/types';
import { useAuth } from '../../auth';
import { api, unwrap } from '../../core/api';
import { dueCallbacks, isOverdue, nextDueIn } from '../../core/customers';
import { usePhoneActions, usePhoneBar } from '../../cti';
import { useShowError } from '../../errors';
import CallbackForm from '../customers/CallbackForm';

const STATE_COLORS = { pending: 'blue', done: 'green', expired: 'red' } as const;

function hhmm(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export default function TodayCallbacks() {
  const { t } = useTranslation();
  const { notification } = AntApp.useApp();
  const showError = useShowError();
  const { connection, events } = useAuth();
  const { clockOffset } = usePhoneBar();
  const { dial } = usePhoneActions();
  const [items, setItems] = useState<Callback[]>([]);
  const [pending, setPending] = useState<number | null>(null);
  const [editing, setEditing] = useState<Callback | null>(null);
  const announced = useRef(new Set<number>());
  const [tick, setTick] = useState(0);

  const load = useCallback(async () => {
    try {
      setItems(unwrap(await api.GET('/api/v1/me/callbacks')));
    } catch (e) {
      showError(e);
    }
  }, [showError]);
  useEffect(() => {
    if (connection === 'open') void load();
  }, [connection, load]);
  // Scheduled from a pop, or a call connected or ended (a call back that connects makes one
  // done: the list says so while the agent talks).
  useEffect(() => {
    const reload = () => void load();
    window.addEventListener('patchbay:callbacks-changed', reload);
    const off = events.subscribe((ev) => {
      if (ev.type === 'call_connected' || ev.type === 'call_ended') window.setTimeout(reload, 500);
    });
    return () => {
      window.removeEventListener('patchbay:callbacks-changed', reload);
      off();
    };
  }, [events, load]);

  // Announce each callback once when it falls due; wake up at the next one's time.
  useEffect(() => {
    const now = Date.now() + clockOffset;
    for (const c of dueCallbacks(items, now, announced.current)) {
      announced.current.add(c.id);
      const title = t('callbacks.due');
      const body = t('callbacks.dueBody', { name: c.customer_name ?? '', number: c.number, remark: c.remark ?? '' });
      notification.info({ title, description: body, key: `callback-${c.id}`, duration: 0, props: { 'data-testid': 'callback-due-notice' } } as Parameters<typeof notification.info>[0]);
      if (typeof Notification !== 'undefined' && Notification.permission === 'granted') {
        const note = new Notification(title, { body, tag: `patchbay-callback-${c.id}` });
        note.onclick = () => {
          window.focus();
          note.close();
        };
      }
    }
    const wait = nextDueIn(items, now);
    if (wait === null) return undefined;
    const timer = window.setTimeout(() => setTick((n) => n + 1), Math.min(wait + 50, 2 ** 31 - 1));
    return () => window.clearTimeout(timer);
  }, [items, clockOffset, notification, t, tick]);

  const run = async (c: Callback, what: 'call' | 'done' | 'delete') => {
    setPending(c.id);
    try {
      if (what === 'call') await dial(c.number);
      else if (what === 'done') unwrap(await api.POST('/api/v1/callbacks/{id}/done', { params: { path: { id: c.id } } }));
      else unwrap(await api.DELETE('/api/v1/callbacks/{id}', { params: { path: { id: c.id } } }));
      await load();
    } catch (e) {
      showError(e);
    } finally {
      setPending(null);
    }
  };
  const now = Date.now() + clockOffset;
  const open = items.filter((c) => c.state === 'pending').length;
  return (
    <Card
      title={
        <Space>
          {t('callbacks.today')}
          <Badge count={open} color="blue" data-testid="callbacks-count" />
        </Space>
      }
      styles={{ body: { maxHeight: 360, overflowY: 'auto' } }}
      data-testid="today-callbacks"
    >
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('callbacks.none')} />
      ) : (
        <List
          size="small"
          dataSource={items}
          renderItem={(c) => (
            <List.Item
              key={c.id}
              data-testid={`callback-${c.id}`}
              actions={
                c.state === 'pending'
                  ? [
                      <Button key="call" type="link" size="small" loading={pending === c.id} onClick={() => void run(c, 'call')} data-testid={`callback-call-${c.id}`}>
                        {t('callbacks.call')}
                      </Button>,
                      <Button key="move" type="link" size="small" onClick={() => setEditing(c)} data-testid={`callback-reschedule-${c.id}`}>
                        {t('callbacks.reschedule')}
                      </Button>,
                      <Button key="done" type="link" size="small" onClick={() => void run(c, 'done')} data-testid={`callback-done-${c.id}`}>
                        {t('callbacks.done')}
                      </Button>,
                      <Popconfirm key="del" title={t('common.confirmDelete')} onConfirm={() => void run(c, 'delete')}>
                        <Button type="link" size="small" danger data-testid={`callback-delete-${c.id}`}>
                          {t('common.delete')}
                        </Button>
                      </Popconfirm>,
                    ]
                  : []
              }
            >
              <List.Item.Meta
                title={
                  <Space>
                    <Typography.Text strong>{hhmm(c.due_at)}</Typography.Text>
                    <Typography.Text>{c.customer_name ?? ''}</Typography.Text>
                    <Typography.Text>{c.number}</Typography.Text>
                    <Tag color={STATE_COLORS[c.state]} data-testid={`callback-state-${c.id}`}>
                      {t(`callbacks.states.${c.state}`)}
                    </Tag>
                    {isOverdue(c, now) && <Tag color="orange">{t('callbacks.overdue')}</Tag>}
                  </Space>
                }
                description={
                  <>
                    {c.remark}
                    {c.call_id != null && (
                      <Typography.Text type="secondary" style={{ marginLeft: 8 }} data-testid={`callback-call-record-${c.id}`}>
                        {t('callbacks.record', { id: c.call_id })}
                      </Typography.Text>
                    )}
                  </>
                }
              />
            </List.Item>
          )}
        />
      )}
      {editing !== null && (
        <CallbackForm
          open={editing !== null}
          callback={editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            if (editing) announced.current.delete(editing.id);
            void load();
          }}
        />
      )}
    </Card>
  );
}
