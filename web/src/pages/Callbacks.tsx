// Scheduled callbacks (预约回呼), the full list: filters by due time, agent (for users who manage
// users), state and customer name or number; call back, mark done, delete. Done callbacks name
// the call record that did them.
import { useCallback, useEffect, useState } from 'react';
import { Button, Card, DatePicker, Input, Popconfirm, Select, Space, Table, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import type { Dayjs } from 'dayjs';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Callback, CallbackState } from '../api/types';
import { useAuth } from '../auth';
import { api, unwrap } from '../core/api';
import { formatCallTime } from '../core/callDetails';
import { usePhoneActions } from '../cti';
import { useShowError } from '../errors';

const STATES: CallbackState[] = ['pending', 'done', 'expired'];
const STATE_COLORS = { pending: 'blue', done: 'green', expired: 'red' } as const;

interface Filters {
  range?: [Dayjs, Dayjs] | null;
  agent?: number;
  state?: CallbackState;
  q?: string;
}

export default function CallbacksPage() {
  const { t } = useTranslation();
  const showError = useShowError();
  const { me } = useAuth();
  const { dial } = usePhoneActions();
  const canListPeople = !!me?.permissions.includes('manage_users');
  const canDial = !!me?.permissions.includes('answer_dial');
  const [filters, setFilters] = useState<Filters>({});
  const [page, setPage] = useState(1);
  const [data, setData] = useState<{ items: Callback[]; total: number }>({ items: [], total: 0 });
  const [loading, setLoading] = useState(false);
  const [agents, setAgents] = useState<{ value: number; label: string }[]>([]);
  const patch = (p: Partial<Filters>) => {
    setPage(1);
    setFilters((f) => ({ ...f, ...p }));
  };
  useEffect(() => {
    if (!canListPeople) return;
    api
      .GET('/api/v1/users', { params: { query: { page_size: 200 } } })
      .then((u) => setAgents(unwrap(u).items.map((x) => ({ value: x.id, label: `${x.name} (${x.work_id})` }))))
      .catch(showError);
  }, [canListPeople, showError]);
  const load = useCallback(async () => {
    setLoading(true);
    try {
      const query = {
        from: filters.range?.[0]?.startOf('day').valueOf(),
        to: filters.range?.[1]?.endOf('day').valueOf(),
        agent_id: filters.agent,
        state: filters.state,
        q: filters.q || undefined,
        page,
        page_size: 20,
      };
      const r = unwrap(await api.GET('/api/v1/callbacks', { params: { query } }));
      setData({ items: r.items, total: r.total });
    } catch (e) {
      showError(e);
    } finally {
      setLoading(false);
    }
  }, [filters, page, showError]);
  useEffect(() => {
    void load();
  }, [load]);
  const act = async (c: Callback, what: 'call' | 'done' | 'delete') => {
    try {
      if (what === 'call') await dial(c.number);
      else if (what === 'done') unwrap(await api.POST('/api/v1/callbacks/{id}/done', { params: { path: { id: c.id } } }));
      else unwrap(await api.DELETE('/api/v1/callbacks/{id}', { params: { path: { id: c.id } } }));
      await load();
    } catch (e) {
      showError(e);
    }
  };
  const columns: ColumnsType<Callback> = [
    { title: t('callbacks.dueAt'), dataIndex: 'due_at', render: (ms: number) => formatCallTime(ms) },
    {
      title: t('callbacks.customer'),
      dataIndex: 'customer_name',
      render: (name: string | null, c) => (c.customer_id != null ? <Link to={`/customers/${c.customer_id}`}>{name}</Link> : '—'),
    },
    { title: t('callbacks.number'), dataIndex: 'number' },
    { title: t('callbacks.agent'), dataIndex: 'agent_name' },
    { title: t('callbacks.remark'), dataIndex: 'remark' },
    {
      title: t('callbacks.state'),
      dataIndex: 'state',
      render: (s: CallbackState, c) => (
        <Space size={4}>
          <Tag color={STATE_COLORS[s]} data-testid={`callbacks-state-${c.id}`}>
            {t(`callbacks.states.${s}`)}
          </Tag>
          {c.call_id != null && <Typography.Text type="secondary">{t('callbacks.record', { id: c.call_id })}</Typography.Text>}
        </Space>
      ),
    },
    {
      title: t('common.actions'),
      key: 'actions',
      render: (_, c) =>
        c.state === 'done' ? null : (
          <Space size={0}>
            {canDial && (
              <Button type="link" size="small" onClick={() => void act(c, 'call')}>
                {t('callbacks.call')}
              </Button>
            )}
            <Button type="link" size="small" onClick={() => void act(c, 'done')}>
              {t('callbacks.done')}
            </Button>
            <Popconfirm title={t('common.confirmDelete')} onConfirm={() => void act(c, 'delete')}>
              <Button type="link" size="small" danger>
                {t('common.delete')}
              </Button>
            </Popconfirm>
          </Space>
        ),
    },
  ];
  return (
    <Card title={t('callbacks.title')}>
      <Space wrap style={{ marginBottom: 16 }}>
        <DatePicker.RangePicker aria-label={t('callbacks.timeRange')} onChange={(r) => patch({ range: r as [Dayjs, Dayjs] | null })} />
        {canListPeople && (
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder={t('callbacks.agent')}
            style={{ width: 180 }}
            options={agents}
            onChange={(v?: number) => patch({ agent: v })}
            data-testid="callbacks-agent"
          />
        )}
        <Select
          allowClear
          placeholder={t('callbacks.stateFilter')}
          style={{ width: 140 }}
          options={STATES.map((s) => ({ value: s, label: t(`callbacks.states.${s}`) }))}
          onChange={(v?: CallbackState) => patch({ state: v })}
          data-testid="callbacks-state"
        />
        <Input.Search allowClear placeholder={t('callbacks.search')} style={{ width: 240 }} onSearch={(v) => patch({ q: v.trim() })} />
      </Space>
      <Table
        rowKey="id"
        size="middle"
        loading={loading}
        columns={columns}
        dataSource={data.items}
        data-testid="callbacks-table"
        pagination={{ current: page, pageSize: 20, total: data.total, onChange: setPage, showTotal: (total) => t('common.total', { total }) }}
      />
    </Card>
  );
}
