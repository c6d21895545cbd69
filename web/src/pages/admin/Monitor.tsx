// The real-time monitor (实时监控): every agent's status with the time in it and today's
// figures, every queue with its waiting callers and longest wait. Loaded from `GET /monitor`
// and kept live by the events WebSocket (`monitor_agent`, `monitor_queue`). A supervisor steps
// into an agent's call from its row (listen, whisper, barge-in, take over).
import { useEffect, useState, useSyncExternalStore, type HTMLAttributes } from 'react';
import { Card, Col, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { MonitorAgent, QueueLength } from '../../api/types';
import { useAuth } from '../../auth';
import { api, unwrap } from '../../core/api';
import { initialMonitor, monitorReducer, monitorSummary } from '../../core/monitor';
import { formatDuration, queueTotal, statusKey, timerText, todayAt } from '../../core/presence';
import { createStore } from '../../core/store';
import { useShowError } from '../../errors';
import { useNow } from '../../useNow';
import { STATUS_COLOR, useCustomStatuses, useStatusLabel } from '../../components/phonebar/status';
import { StepInButtons } from '../../components/supervision/StepIn';
import { usePhoneBar } from '../../cti';

export default function MonitorPage() {
  const { t } = useTranslation();
  const { events, connection, me: meUser } = useAuth();
  const me = meUser?.id;
  // The step this user took on an agent's call, from their own phone bar.
  const supervising = usePhoneBar().call?.supervising;
  const showError = useShowError();
  const [store] = useState(() => createStore(monitorReducer, initialMonitor));
  const state = useSyncExternalStore(store.subscribe, store.getState);
  const statuses = useCustomStatuses();
  const label = useStatusLabel(statuses);
  const now = useNow() + state.clockOffset;

  useEffect(() => events.subscribe((event) => store.dispatch({ type: 'event', event, at: Date.now() })), [events, store]);
  // The snapshot on opening, and again after each reconnect (events sent meanwhile were lost).
  const isOpen = connection === 'open';
  useEffect(() => {
    let live = true;
    api
      .GET('/api/v1/monitor')
      .then((r) => {
        const monitor = unwrap(r);
        if (live) store.dispatch({ type: 'snapshot', monitor, at: Date.now() });
      })
      .catch(showError);
    return () => {
      live = false;
    };
  }, [isOpen, store, showError]);

  const summary = monitorSummary(state.agents);
  const loginText = (a: MonitorAgent) => {
    const p = a.presence;
    if (p.login === 'offline') return t('phonebar.status.offline');
    if (p.login === 'custom') return label(p);
    return t('monitor.signedIn');
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle" data-testid="monitor">
      <Row gutter={16}>
        {[
          { id: 'signed-in', title: t('monitor.signedIn'), value: summary.signedIn },
          { id: 'idle', title: t('monitor.idleNow'), value: summary.idle },
          { id: 'talking', title: t('monitor.talkingNow'), value: summary.talking + summary.ringing },
          { id: 'busy', title: t('monitor.busyNow'), value: summary.busy + summary.custom + summary.after_call_work },
          { id: 'waiting', title: t('monitor.totalWaiting'), value: queueTotal(state.queues) },
        ].map((s) => (
          <Col key={s.id} xs={12} md={8} lg={4}>
            <Card size="small">
              <Statistic title={s.title} value={s.value} valueRender={(n) => <span data-testid={`monitor-sum-${s.id}`}>{n}</span>} />
            </Card>
          </Col>
        ))}
      </Row>
      <Card title={`${t('monitor.title')} · ${t('monitor.agents')}`}>
        <Table<MonitorAgent>
          rowKey={(a) => a.presence.user_id}
          size="small"
          pagination={false}
          loading={!state.loaded}
          dataSource={state.agents}
          data-testid="monitor-agents"
          onRow={(a) => ({ 'data-testid': `monitor-agent-${a.work_id}` }) as HTMLAttributes<HTMLElement>}
          columns={[
            { title: t('users.workId'), key: 'work_id', render: (_, a) => a.work_id },
            { title: t('users.name'), key: 'name', render: (_, a) => a.name },
            {
              title: t('monitor.login'),
              key: 'login',
              render: (_, a) => (
                <Tag color={a.presence.login === 'offline' ? 'default' : a.presence.login === 'custom' ? 'magenta' : 'green'} data-testid="agent-login">
                  {loginText(a)}
                </Tag>
              ),
            },
            {
              title: t('monitor.phone'),
              key: 'phone',
              render: (_, a) => {
                const key = statusKey(a.presence);
                if (key === 'offline') return <Typography.Text type="secondary">—</Typography.Text>;
                return (
                  <Tag color={STATUS_COLOR[key]} data-testid="agent-status">
                    {label(a.presence)}
                  </Tag>
                );
              },
            },
            {
              title: t('monitor.timeInStatus'),
              key: 'timer',
              render: (_, a) => (
                <span data-testid="agent-timer" style={{ fontFamily: 'monospace' }}>
                  {timerText(a.presence.login === 'offline' ? null : a.presence.since, now)}
                </span>
              ),
            },
            { title: t('monitor.callsToday'), key: 'calls', render: (_, a) => a.presence.today.calls },
            { title: t('monitor.talkToday'), key: 'talk', render: (_, a) => <span style={{ fontFamily: 'monospace' }}>{formatDuration(todayAt(a.presence, now).talk_seconds)}</span> },
            {
              title: t('monitor.stepIn'),
              key: 'step-in',
              render: (_, a) =>
                a.presence.phone === 'talking' && a.presence.user_id !== me ? (
                  <StepInButtons agent={a.presence.user_id} current={supervising?.agent === a.presence.user_id ? supervising.step : null} />
                ) : null,
            },
          ]}
        />
      </Card>
      <Card title={`${t('monitor.title')} · ${t('monitor.queues')}`}>
        <Table<QueueLength>
          rowKey="group_id"
          size="small"
          pagination={false}
          loading={!state.loaded}
          dataSource={state.queues}
          data-testid="monitor-queues"
          onRow={(q) => ({ 'data-testid': `monitor-queue-${q.group_id}` }) as HTMLAttributes<HTMLElement>}
          columns={[
            { title: t('nav.skillGroups'), dataIndex: 'name' },
            {
              title: t('monitor.waiting'),
              dataIndex: 'waiting',
              render: (w: number) => (
                <Typography.Text type={w > 0 ? 'danger' : undefined} strong={w > 0} data-testid="queue-waiting">
                  {w}
                </Typography.Text>
              ),
            },
            {
              title: t('monitor.longestWait'),
              key: 'longest',
              render: (_, q) => <span style={{ fontFamily: 'monospace' }}>{q.waiting > 0 ? timerText(q.oldest_since, now) : '—'}</span>,
            },
            { title: t('monitor.idleAgents'), dataIndex: 'idle_agents' },
          ]}
        />
      </Card>
    </Space>
  );
}
