// Outbound campaigns for admins (needs manage_campaigns): current campaigns with their state
// actions, editing and customer-list import; history (completed and expired, newest end first)
// read-only.
import { useCallback, useEffect, useState } from 'react';
import { Button, Card, Popconfirm, Space, Table, Tabs, Tag, Typography } from 'antd';
import type { ColumnsType } from 'antd/es/table';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { Campaign } from '../../api/types';
import { api, unwrap } from '../../core/api';
import { formatCallTime } from '../../core/callDetails';
import { actionsFor, percent, STATE_COLORS } from '../../core/campaigns';
import { useShowError } from '../../errors';
import CampaignForm from '../../components/campaigns/CampaignForm';
import ImportModal from '../../components/campaigns/ImportModal';
import RiskControl from '../../components/campaigns/RiskControl';

export default function CampaignsPage() {
  const { t } = useTranslation();
  const showError = useShowError();
  const [tab, setTab] = useState<'current' | 'history' | 'risk'>('current');
  const [rows, setRows] = useState<Campaign[]>([]);
  const [loading, setLoading] = useState(false);
  const [editing, setEditing] = useState<Campaign | null | undefined>(undefined);
  const [importing, setImporting] = useState<Campaign | null>(null);
  const load = useCallback(async () => {
    if (tab === 'risk') return;
    setLoading(true);
    try {
      setRows(unwrap(await api.GET('/api/v1/campaigns', { params: { query: { history: tab === 'history' } } })));
    } catch (e) {
      showError(e);
    } finally {
      setLoading(false);
    }
  }, [tab, showError]);
  useEffect(() => void load(), [load]);

  const act = async (c: Campaign, action: 'start' | 'pause' | 'resume' | 'complete') => {
    try {
      unwrap(await api.POST('/api/v1/campaigns/{id}/actions', { params: { path: { id: c.id } }, body: { action } }));
      await load();
    } catch (e) {
      showError(e);
    }
  };
  const remove = async (c: Campaign) => {
    try {
      unwrap(await api.DELETE('/api/v1/campaigns/{id}', { params: { path: { id: c.id } } }));
      await load();
    } catch (e) {
      showError(e);
    }
  };

  const columns: ColumnsType<Campaign> = [
    { title: t('campaigns.name'), dataIndex: 'name', render: (n: string, c) => <Link to={`/campaigns?id=${c.id}`}>{n}</Link> },
    { title: t('campaigns.state'), dataIndex: 'state', render: (s: Campaign['state']) => <Tag color={STATE_COLORS[s]} data-testid="campaign-state">{t(`campaigns.states.${s}`)}</Tag> },
    { title: t('campaigns.period'), render: (_, c) => `${formatCallTime(c.start_at)} – ${formatCallTime(c.end_at)}` },
    { title: t('campaigns.customers'), dataIndex: 'customers' },
    { title: t('campaigns.executionRate'), render: (_, c) => percent(c.execution_rate) },
    { title: t('campaigns.connectRate'), render: (_, c) => percent(c.connect_rate) },
    {
      title: t('common.actions'),
      render: (_, c) =>
        tab === 'history' ? null : (
          <Space wrap>
            <a onClick={() => setEditing(c)}>{t('common.edit')}</a>
            <a onClick={() => setImporting(c)} data-testid="campaign-import">{t('campaigns.import')}</a>
            {actionsFor(c.state).map((a) => (
              <a key={a} onClick={() => void act(c, a)} data-testid={`campaign-${a}`}>{t(`campaigns.actions.${a}`)}</a>
            ))}
            <Popconfirm title={t('common.confirmDelete')} onConfirm={() => void remove(c)}>
              <a>{t('common.delete')}</a>
            </Popconfirm>
          </Space>
        ),
    },
  ];
  return (
    <Card
      title={<Typography.Title level={4} style={{ margin: 0 }}>{t('campaigns.title')}</Typography.Title>}
      extra={tab === 'current' && <Button type="primary" onClick={() => setEditing(null)} data-testid="campaign-create">{t('campaigns.create')}</Button>}
    >
      <Tabs
        activeKey={tab}
        onChange={(k) => setTab(k as typeof tab)}
        items={[
          { key: 'current', label: t('campaigns.current') },
          { key: 'history', label: t('campaigns.history') },
          { key: 'risk', label: `${t('campaigns.risk')} / ${t('campaigns.doNotCall')}` },
        ]}
      />
      {tab === 'risk' ? <RiskControl /> : <Table rowKey="id" loading={loading} dataSource={rows} columns={columns} pagination={false} data-testid="campaigns-table" />}
      <CampaignForm
        open={editing !== undefined}
        campaign={editing ?? null}
        onClose={() => setEditing(undefined)}
        onSaved={() => {
          setEditing(undefined);
          void load();
        }}
      />
      <ImportModal
        campaign={importing}
        onClose={(changed) => {
          setImporting(null);
          if (changed) void load();
        }}
      />
    </Card>
  );
}
