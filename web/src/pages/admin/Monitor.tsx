// The real-time monitor (实时监控): every agent's status with the time in it, the call they are
// on and today's figures; every skill group's queue (waiting callers, longest wait, idle agents)
// and figures today (offered, answered, abandoned, speed of answer, service level); a filter by
// group. Only the groups the supervisor's data scope allows. Loaded from `GET /monitor` and kept
// live by the events WebSocket (`monitor_agent`, `monitor_queue`, `monitor_figures`). A
// supervisor steps into an agent's call from its row (listen, whisper, barge-in, take over).
import { useState, type HTMLAttributes } from 'react';
import { Alert, Button, Card, Col, Row, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { MonitorAgent } from '../../api/types';
import { inGroup, monitorSummary } from '../../core/monitor';
import { formatDuration, queueTotal, statusKey, timerText, todayAt } from '../../core/presence';
import { useMonitor } from '../../useMonitor';
import { useNow } from '../../useNow';
import { STATUS_COLOR, useCustomStatuses, useStatusLabel } from '../../components/phonebar/status';
import CallCell from '../../components/monitor/CallCell';
import FiguresTable from '../../components/monitor/FiguresTable';
import { StepInButtons } from '../../components/supervision/StepIn';
import { useAuth } from '../../auth';
import { usePhoneBar } from '../../cti';

export default function MonitorPage() {
  const { t } = useTranslation();
  const all = useMonitor();
  const auth = useAuth();
  const me = auth.me?.id;
  // The step this user took on an agent's call, from their own phone bar.
  const supervising = usePhoneBar().call?.supervising;
  const [group, setGroup] = useState<number | null>(null);
  const state = { ...all, ...inGroup(all, group) };
  const statuses = useCustomStatuses();
  const label = useStatusLabel(statuses);
  const now = useNow() + all.clockOffset;
  const groupName = (id: number) => all.queues.find((q) => q.group_id === id)?.name ?? all.figures.find((f) => f.group_id === id)?.name;

  const summary = monitorSummary(state.agents);
  const loginText = (a: MonitorAgent) => {
    const p = a.presence;
    if (p.login === 'offline') return t('phonebar.status.offline');
    if (p.login === 'custom') return label(p);
    return t('monitor.signedIn');
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle" data-testid="monitor">
      {auth.restartedAt !== null && (
        <Alert
          type="warning"
          showIcon
          closable
          onClose={auth.dismissRestart}
          data-testid="monitor-restarted"
          message={t('monitor.restarted', { time: new Date(auth.restartedAt).toLocaleTimeString() })}
          description={t('monitor.restartedHint')}
        />
      )}
      <Space wrap>
        <Select<number | null>
          style={{ minWidth: 200 }}
          value={group}
          onChange={setGroup}
          aria-label={t('supervision.filterGroup')}
          data-testid="monitor-group-filter"
          options={[{ value: null, label: t('supervision.allGroups') }, ...all.queues.map((q) => ({ value: q.group_id, label: q.name }))]}
        />
        <Button href="/wallboard" target="_blank" data-testid="open-wallboard">
          {t('supervision.wallboard')}
        </Button>
      </Space>
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
                const reason = a.presence.busy_reason;
                return (
                  <Space size={4}>
                    <Tag color={STATUS_COLOR[key]} data-testid="agent-status">
                      {label(a.presence)}
                    </Tag>
                    {key === 'busy' && reason && (
                      <Typography.Text type="warning" data-testid="agent-busy-reason">
                        {t(`phonebar.busyReasonsShort.${reason}`)}
                      </Typography.Text>
                    )}
                  </Space>
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
            { title: t('supervision.call'), key: 'call', render: (_, a) => <CallCell call={a.call} groupName={groupName} now={now} /> },
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
      <Card title={`${t('monitor.title')} · ${t('monitor.queues')} · ${t('supervision.today')}`}>
        <FiguresTable queues={state.queues} figures={state.figures} now={now} loading={!all.loaded} />
      </Card>
    </Space>
  );
}
