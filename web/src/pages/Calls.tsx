// Call records (通话记录): filtered and sorted on the server (time range, agent, skill group,
// direction, result, failure cause, number, words said), missed calls in red with "call back",
// export of the filtered list to CSV or Excel, and a record's drawer with its details, the
// recording player, the transcript and the customer (or "Add to my customers").
import { useCallback, useEffect, useState } from 'react';
import { Button, Card, DatePicker, Descriptions, Divider, Drawer, Empty, Input, Select, Space, Spin, Table, Tag, Typography } from 'antd';
import type { ColumnsType, TableProps } from 'antd/es/table';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import type { CallRecord, TranscriptSegment } from '../api/types';
import { api, unwrap } from '../core/api';
import { clock } from '../core/transcript';
import { exportUrl, FAILURE_CODES, filterParams, needsCallBack, type CallFilters, type CallResult, type CallSort } from '../core/callRecords';
import { useAuth } from '../auth';
import { usePhoneActions } from '../cti';
import { useShowError } from '../errors';
import RecordingPlayer from '../components/RecordingPlayer';
import CustomerCard from '../components/customers/CustomerCard';
import SegmentsAndNotes from '../components/calls/SegmentsAndNotes';

const RESULTS: CallResult[] = ['answered', 'missed', 'abandoned', 'failed', 'overflowed', 'interrupted', 'in_progress'];

/** "Failed (Busy)": the result, with the translated failure cause when there is one. */
function useResultText(): (r: CallRecord) => string {
  const { t } = useTranslation();
  return (r) => `${t(`calls.results.${r.result}`)}${r.failure ? ` (${t(`calls.failures.${r.failure}`, { defaultValue: r.failure })})` : ''}`;
}

/** The satisfaction survey's result: the rating, or why there is none. */
function Satisfaction({ call }: { call: CallRecord }) {
  const { t } = useTranslation();
  if (call.survey === 'rated' && call.satisfaction != null) {
    return <span data-testid="call-satisfaction">{t('survey.outcomes.rated', { n: call.satisfaction })}</span>;
  }
  return (
    <Typography.Text type="secondary" data-testid="call-satisfaction">
      {t(`survey.outcomes.${call.survey}`)}
    </Typography.Text>
  );
}

function Transcript({ call }: { call: CallRecord }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [segments, setSegments] = useState<TranscriptSegment[] | null>(null);
  useEffect(() => {
    let live = true;
    setSegments(null);
    api
      .GET('/api/v1/calls/{id}/transcript', { params: { path: { id: call.id } } })
      .then((r) => live && setSegments(unwrap(r)))
      .catch((e: unknown) => {
        if (live) setSegments([]);
        showError(e);
      });
    return () => {
      live = false;
    };
  }, [call, showError]);
  if (segments === null) return <Spin />;
  if (segments.length === 0) return <Empty description={t('calls.noTranscript')} />;
  return (
    <>
      {segments.map((s) => (
        <div key={`${s.speaker}-${s.start_ms}-${s.end_ms}`} style={{ padding: '4px 0' }} data-testid="call-transcript-entry">
          <Tag color={s.speaker === 'agent' ? 'blue' : 'green'}>{t(`transcript.speaker.${s.speaker}`)}</Tag>
          <Typography.Text type="secondary" style={{ marginRight: 8 }}>
            {clock(s.start_ms)}–{clock(s.end_ms)}
          </Typography.Text>
          <Typography.Text>{s.text}</Typography.Text>
        </div>
      ))}
    </>
  );
}

function CallDrawer({ call, onClose, canListen }: { call: CallRecord | null; onClose: () => void; canListen: boolean }) {
  const { t, i18n } = useTranslation();
  const resultText = useResultText();
  const { me } = useAuth();
  const withCustomers = !!me && (me.permissions.includes('answer_dial') || me.permissions.includes('manage_users'));
  const time = (ms: number | null | undefined) => (ms == null ? '—' : new Date(ms).toLocaleString(i18n.language));
  return (
    <Drawer open={!!call} onClose={onClose} size="large" title={call ? t('calls.detailOf', { caller: call.caller }) : ''} data-testid="call-transcript">
      {call && (
        <>
          <Descriptions size="small" column={2} bordered data-testid="call-details">
            <Descriptions.Item label={t('calls.callId')}>{call.id}</Descriptions.Item>
            <Descriptions.Item label={t('calls.direction')}>{t(`calls.directions.${call.direction}`)}</Descriptions.Item>
            <Descriptions.Item label={t('calls.caller')}>{call.caller}</Descriptions.Item>
            <Descriptions.Item label={t('calls.callee')}>{call.callee}</Descriptions.Item>
            <Descriptions.Item label={t('calls.agent')}>{call.agent_name ? `${call.agent_name} (${call.agent_work_id ?? ''})` : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('calls.skillGroup')}>{call.skill_group_name ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('calls.startedAt')}>{time(call.started_at)}</Descriptions.Item>
            <Descriptions.Item label={t('calls.answeredAt')}>{time(call.answered_at)}</Descriptions.Item>
            <Descriptions.Item label={t('calls.endedAt')}>{time(call.ended_at)}</Descriptions.Item>
            <Descriptions.Item label={t('calls.talkSeconds')}>{call.talk_seconds}</Descriptions.Item>
            {call.hold_seconds > 0 && (
              <Descriptions.Item label={t('calls.holdSeconds')}>
                <span data-testid="call-hold-seconds">{call.hold_seconds}</span>
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('calls.result')}>{resultText(call)}</Descriptions.Item>
            <Descriptions.Item label={t('calls.hangupSide')}>{call.hangup_side ? t(`calls.hangupSides.${call.hangup_side}`) : '—'}</Descriptions.Item>
            <Descriptions.Item label={t('survey.column')}>
              <Satisfaction call={call} />
            </Descriptions.Item>
          </Descriptions>
          {/* The customer's side of the call: who they are, or "Add to my customers". */}
          {withCustomers && <CustomerCard key={call.id} prefix="record" number={call.direction === 'inbound' ? call.caller : call.callee} />}
          <SegmentsAndNotes call={call} />
          <Divider titlePlacement="start">{t('calls.recording')}</Divider>
          {!call.has_recording ? (
            <Empty
              data-testid="call-no-recording"
              description={
                call.recording_deleted_at
                  ? t('calls.recordingDeleted', { when: new Date(call.recording_deleted_at).toLocaleString() })
                  : t('calls.noRecording')
              }
            />
          ) : canListen ? (
            <RecordingPlayer callId={call.id} />
          ) : (
            <Typography.Text type="secondary">{t('calls.noRecordingPermission')}</Typography.Text>
          )}
          <Divider titlePlacement="start">{t('calls.transcript')}</Divider>
          <Transcript call={call} />
        </>
      )}
    </Drawer>
  );
}

interface Option {
  value: number;
  label: string;
}

export default function CallsPage() {
  const { t, i18n } = useTranslation();
  const showError = useShowError();
  const { me } = useAuth();
  const { dial } = usePhoneActions();
  const resultText = useResultText();
  const permissions = me?.permissions ?? [];
  const canExport = permissions.includes('export');
  const canListen = permissions.includes('view_recordings');
  const canDial = permissions.includes('answer_dial');
  const canListPeople = permissions.includes('manage_users');
  const [filters, setFilters] = useState<CallFilters>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(20);
  const [data, setData] = useState<{ items: CallRecord[]; total: number }>({ items: [], total: 0 });
  const [loading, setLoading] = useState(false);
  const [open, setOpen] = useState<CallRecord | null>(null);
  const [agents, setAgents] = useState<Option[]>([]);
  const [groups, setGroups] = useState<Option[]>([]);

  const patch = useCallback((p: Partial<CallFilters>) => {
    setPage(1);
    setFilters((f) => ({ ...f, ...p }));
  }, []);

  useEffect(() => {
    if (!canListPeople) return;
    let live = true;
    Promise.all([
      api.GET('/api/v1/users', { params: { query: { page_size: 200 } } }),
      api.GET('/api/v1/skill-groups', { params: { query: { page_size: 200 } } }),
    ])
      .then(([u, g]) => {
        if (!live) return;
        setAgents(unwrap(u).items.map((x) => ({ value: x.id, label: `${x.name} (${x.work_id})` })));
        setGroups(unwrap(g).items.map((x) => ({ value: x.id, label: x.name })));
      })
      .catch(showError);
    return () => {
      live = false;
    };
  }, [canListPeople, showError]);

  const load = useCallback(async () => {
    const query = { page, page_size: pageSize, ...filterParams(filters) };
    return unwrap(await api.GET('/api/v1/calls', { params: { query } }));
  }, [filters, page, pageSize]);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load()
      .then((r) => live && setData(r), showError)
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [load, showError]);

  const callBack = async (r: CallRecord) => {
    try {
      await dial(r.direction === 'inbound' ? r.caller : r.callee);
    } catch (e) {
      showError(e);
    }
  };

  const time = (ms: number | null | undefined) => (ms == null ? '—' : new Date(ms).toLocaleString(i18n.language));
  const sortOrder = (key: CallSort) =>
    (filters.sort ?? 'started_at') === key ? ((filters.order ?? 'desc') === 'asc' ? 'ascend' : 'descend') : null;
  const columns: ColumnsType<CallRecord> = [
    { title: t('calls.startedAt'), key: 'started_at', sorter: true, sortOrder: sortOrder('started_at'), render: (_, r) => time(r.started_at) },
    { title: t('calls.direction'), key: 'direction', onCell: () => ({ style: { whiteSpace: 'nowrap' } }), render: (_, r) => t(`calls.directions.${r.direction}`) },
    { title: t('calls.caller'), dataIndex: 'caller', key: 'caller' },
    { title: t('calls.callee'), dataIndex: 'callee', key: 'callee' },
    {
      title: t('calls.agent'),
      key: 'agent',
      render: (_, r) => (r.agent_name ? <span data-testid="call-agent">{`${r.agent_name} (${r.agent_work_id ?? ''})`}</span> : '—'),
    },
    { title: t('calls.skillGroup'), key: 'skill_group', render: (_, r) => r.skill_group_name ?? '—' },
    { title: t('calls.talkSeconds'), dataIndex: 'talk_seconds', key: 'talk_seconds', sorter: true, sortOrder: sortOrder('talk_seconds') },
    { title: t('survey.column'), key: 'satisfaction', onCell: () => ({ style: { whiteSpace: 'nowrap' } }), render: (_, r) => <Satisfaction call={r} /> },
    {
      title: t('calls.result'),
      key: 'result',
      render: (_, r) => {
        const text = resultText(r);
        return needsCallBack(r.result) ? (
          <Typography.Text type="danger" data-testid="call-result-missed">
            {text}
          </Typography.Text>
        ) : (
          <span data-testid="call-result">{text}</span>
        );
      },
    },
    {
      title: t('common.actions'),
      key: 'actions',
      onCell: () => ({ style: { whiteSpace: 'nowrap' } }),
      render: (_, r) => (
        <Space>
          <a onClick={() => setOpen(r)} data-testid={`call-open-${r.id}`}>
            {t('calls.details')}
          </a>
          {canDial && needsCallBack(r.result) && !r.masked && (
            <a onClick={() => void callBack(r)} data-testid={`call-back-${r.id}`} style={{ color: '#ff4d4f' }}>
              {t('calls.callBack')}
            </a>
          )}
        </Space>
      ),
    },
  ];

  const onTableChange: TableProps<CallRecord>['onChange'] = (pagination, _f, sorter) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    const key = s?.order ? (s.columnKey as CallSort) : undefined;
    const order = s?.order === 'ascend' ? 'asc' : s?.order === 'descend' ? 'desc' : undefined;
    if (key !== filters.sort || order !== filters.order) {
      patch({ sort: key, order });
      return;
    }
    setPage(pagination.current ?? 1);
    setPageSize(pagination.pageSize ?? 20);
  };

  const offset = -new Date().getTimezoneOffset();
  return (
    <Card
      title={t('calls.title')}
      data-testid="calls"
      extra={
        canExport && (
          <Space>
            <Button href={exportUrl(filters, 'csv', i18n.language, offset)} download data-testid="calls-export-csv">
              {t('calls.exportCsv')}
            </Button>
            <Button href={exportUrl(filters, 'xlsx', i18n.language, offset)} download data-testid="calls-export-xlsx">
              {t('calls.exportXlsx')}
            </Button>
          </Space>
        )
      }
    >
      <Space wrap style={{ marginBottom: 16 }} data-testid="calls-filters">
        <DatePicker.RangePicker
          showTime
          presets={[
            { label: t('calls.presets.last24h'), value: () => [dayjs().subtract(24, 'hour'), dayjs().add(1, 'minute')] },
            { label: t('calls.presets.today'), value: () => [dayjs().startOf('day'), dayjs().endOf('day')] },
            { label: t('calls.presets.last7d'), value: () => [dayjs().subtract(7, 'day').startOf('day'), dayjs().endOf('day')] },
            { label: t('calls.presets.last30d'), value: () => [dayjs().subtract(30, 'day').startOf('day'), dayjs().endOf('day')] },
          ]}
          placeholder={[t('calls.from'), t('calls.to')]}
          onChange={(v) => patch({ from: v?.[0]?.valueOf() ?? undefined, to: v?.[1]?.valueOf() ?? undefined })}
          data-testid="calls-range"
        />
        {canListPeople && (
          <Select<number>
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('calls.agent')}
            options={agents}
            style={{ width: 180 }}
            onChange={(v) => patch({ agentId: v ?? undefined })}
            data-testid="calls-agent"
          />
        )}
        {canListPeople && (
          <Select<number>
            allowClear
            placeholder={t('calls.skillGroup')}
            options={groups}
            style={{ width: 160 }}
            onChange={(v) => patch({ skillGroupId: v ?? undefined })}
            data-testid="calls-group"
          />
        )}
        <Select
          allowClear
          placeholder={t('calls.direction')}
          style={{ width: 120 }}
          options={(['inbound', 'agent_outbound', 'consult'] as const).map((d) => ({ value: d, label: t(`calls.directions.${d}`) }))}
          onChange={(v) => patch({ direction: v ?? undefined })}
          data-testid="calls-direction"
        />
        <Select
          allowClear
          placeholder={t('calls.result')}
          style={{ width: 140 }}
          options={RESULTS.map((r) => ({ value: r, label: t(`calls.results.${r}`) }))}
          onChange={(v) => patch({ result: v ?? undefined })}
          data-testid="calls-result"
        />
        {filters.result === 'failed' && (
          <Select
            allowClear
            placeholder={t('calls.failureCause')}
            style={{ width: 170 }}
            options={FAILURE_CODES.map((c) => ({ value: c, label: t(`calls.failures.${c}`) }))}
            onChange={(v) => patch({ failure: v ?? undefined })}
            data-testid="calls-failure"
          />
        )}
        <Input.Search allowClear placeholder={t('calls.searchNumber')} maxLength={64} onSearch={(v) => patch({ q: v })} data-testid="calls-search" />
        <Input.Search
          allowClear
          placeholder={t('calls.searchKeyword')}
          maxLength={100}
          onSearch={(v) => patch({ keyword: v })}
          data-testid="calls-keyword"
        />
      </Space>
      <Table<CallRecord>
        rowKey="id"
        loading={loading}
        dataSource={data.items}
        columns={columns}
        onChange={onTableChange}
        sortDirections={['descend', 'ascend']}
        data-testid="calls-table"
        pagination={{
          current: page,
          pageSize,
          total: data.total,
          showSizeChanger: true,
          showTotal: (total) => t('common.total', { total }),
        }}
      />
      <CallDrawer call={open} onClose={() => setOpen(null)} canListen={canListen} />
    </Card>
  );
}
