// The campaign view for agents (their assigned campaigns) and admins: title, description,
// start and end, time left, state, counts and rates; the customer list by name, filterable by
// outcome, with attempts "n/5"; preview dialing from the customer panel.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { App as AntApp, Card, Col, Descriptions, Empty, Row, Select, Space, Table, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router-dom';
import type { Campaign, CampaignCustomer, CampaignOutcome } from '../api/types';
import { api, unwrap } from '../core/api';
import { formatCallTime } from '../core/callDetails';
import { attemptsText, canDial, nextCustomer, OUTCOMES, percent, STATE_COLORS, timeLeft } from '../core/campaigns';
import { useCtiDispatch } from '../cti';
import { useShowError } from '../errors';
import CustomerPanel, { type PanelSave } from '../components/campaigns/CustomerPanel';

export default function CampaignsView() {
  const { t } = useTranslation();
  const showError = useShowError();
  const { message } = AntApp.useApp();
  const dispatch = useCtiDispatch();
  const [params, setParams] = useSearchParams();
  const [campaigns, setCampaigns] = useState<Campaign[]>([]);
  const [customers, setCustomers] = useState<{ items: CampaignCustomer[]; total: number }>({ items: [], total: 0 });
  const [outcome, setOutcome] = useState<CampaignOutcome | 'not_called' | undefined>();
  const [page, setPage] = useState(1);
  const [picked, setPicked] = useState<number | undefined>();
  const id = Number(params.get('id')) || campaigns[0]?.id;
  const campaign = useMemo(() => campaigns.find((c) => c.id === id), [campaigns, id]);

  const loadCampaigns = useCallback(async () => {
    try {
      const [current, history] = await Promise.all([
        api.GET('/api/v1/campaigns', { params: { query: { history: false } } }),
        api.GET('/api/v1/campaigns', { params: { query: { history: true } } }),
      ]);
      setCampaigns([...unwrap(current), ...unwrap(history)]);
    } catch (e) {
      showError(e);
    }
  }, [showError]);
  const loadCustomers = useCallback(async () => {
    if (!id) return;
    try {
      const query = { page, page_size: 50, ...(outcome === 'not_called' ? { not_called: true } : outcome ? { outcome } : {}) };
      setCustomers(unwrap(await api.GET('/api/v1/campaigns/{id}/customers', { params: { path: { id }, query } })));
    } catch (e) {
      showError(e);
    }
  }, [id, page, outcome, showError]);
  useEffect(() => void loadCampaigns(), [loadCampaigns]);
  useEffect(() => void loadCustomers(), [loadCustomers]);

  const current = customers.items.find((c) => c.id === picked);
  const call = async (c: CampaignCustomer) => {
    try {
      const placed = unwrap(await api.POST('/api/v1/campaign-customers/{id}/dial', { params: { path: { id: c.id } } }));
      // The phone bar shows the call (masked number when the campaign masks) while it rings.
      dispatch({ type: 'event', event: { type: 'call_connected', call: String(placed.call_id), caller: c.number }, at: Date.now() });
      void message.info(t('campaigns.dialing', { name: c.name }));
      await Promise.all([loadCustomers(), loadCampaigns()]);
    } catch (e) {
      showError(e);
    }
  };
  const save = async (c: CampaignCustomer, s: PanelSave) => {
    const body = { notes: s.notes, ...(s.outcome && s.outcome !== c.outcome ? { outcome: s.outcome } : {}) };
    unwrap(await api.PATCH('/api/v1/campaign-customers/{id}', { params: { path: { id: c.id } }, body }));
    void message.success(t('common.saved'));
    await Promise.all([loadCustomers(), loadCampaigns()]);
  };
  const saveAndNext = async (c: CampaignCustomer, s: PanelSave) => {
    try {
      await save(c, s);
      const next = nextCustomer(customers.items, c.id);
      if (!next) {
        void message.info(t('campaigns.noneLeft'));
        return;
      }
      setPicked(next.id);
      await call(next);
    } catch (e) {
      showError(e);
    }
  };

  const addToCustomers = async (c: CampaignCustomer) => {
    try {
      unwrap(await api.POST('/api/v1/campaign-customers/{id}/to-customer', { params: { path: { id: c.id } } }));
      void message.success(t('campaigns.addedToCustomers'));
    } catch (e) {
      showError(e);
    }
  };

  if (campaigns.length === 0) return <Card><Empty description={t('campaigns.noCampaigns')} /></Card>;
  const left = campaign ? timeLeft(campaign.time_left_ms) : undefined;
  const readOnly = campaign?.state === 'completed' || campaign?.state === 'expired';
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card
        title={
          <Select
            style={{ minWidth: 280 }}
            value={id}
            onChange={(v: number) => {
              setPicked(undefined);
              setPage(1);
              setParams({ id: String(v) });
            }}
            options={campaigns.map((c) => ({ value: c.id, label: `${c.name} · ${t(`campaigns.states.${c.state}`)}` }))}
            data-testid="campaign-picker"
          />
        }
      >
        {campaign && (
          <Descriptions size="small" column={{ xs: 1, md: 3 }} data-testid="campaign-summary">
            <Descriptions.Item label={t('campaigns.name')}>{campaign.name}</Descriptions.Item>
            <Descriptions.Item label={t('campaigns.state')}><Tag color={STATE_COLORS[campaign.state]}>{t(`campaigns.states.${campaign.state}`)}</Tag></Descriptions.Item>
            <Descriptions.Item label={t('campaigns.timeLeft')}>{left && t('campaigns.timeLeftValue', left)}</Descriptions.Item>
            <Descriptions.Item label={t('campaigns.start')}>{formatCallTime(campaign.start_at)}</Descriptions.Item>
            <Descriptions.Item label={t('campaigns.end')}>{formatCallTime(campaign.end_at)}</Descriptions.Item>
            <Descriptions.Item label={t('campaigns.customers')}>{campaign.customers}</Descriptions.Item>
            <Descriptions.Item label={t('campaigns.executionRate')}>{percent(campaign.execution_rate)}</Descriptions.Item>
            <Descriptions.Item label={t('campaigns.connectRate')}>{percent(campaign.connect_rate)}</Descriptions.Item>
            {campaign.mode === 'predictive' && (
              <Descriptions.Item label={t('campaigns.abandonRate')}>
                <span data-testid="campaign-abandon-rate">
                  {t('campaigns.abandonRateValue', { all: percent(campaign.abandon_rate), hour: percent(campaign.abandon_rate_last_hour), cap: campaign.abandon_cap_percent })}
                </span>
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('campaigns.description')}>{campaign.description}</Descriptions.Item>
          </Descriptions>
        )}
      </Card>
      <Row gutter={16}>
        <Col xs={24} lg={15}>
          <Card
            extra={
              <Select
                allowClear
                style={{ width: 200 }}
                placeholder={t('campaigns.allOutcomes')}
                value={outcome}
                onChange={(v?: CampaignOutcome | 'not_called') => {
                  setPage(1);
                  setOutcome(v);
                }}
                options={[{ value: 'not_called', label: t('campaigns.notCalled') }, ...OUTCOMES.map((o) => ({ value: o, label: t(`campaigns.outcomes.${o}`) }))]}
                data-testid="outcome-filter"
              />
            }
          >
            <Table
              size="small"
              rowKey="id"
              dataSource={customers.items}
              data-testid="campaign-customers"
              onRow={(c) => ({ onClick: () => setPicked(c.id), style: { cursor: 'pointer' } })}
              rowClassName={(c) => (c.id === picked ? 'ant-table-row-selected' : '')}
              pagination={{ current: page, pageSize: 50, total: customers.total, onChange: setPage, showSizeChanger: false }}
              columns={[
                { title: t('campaigns.customer'), dataIndex: 'name' },
                { title: t('campaigns.number'), dataIndex: 'number' },
                { title: t('campaigns.attempts'), render: (_, c) => attemptsText(c) },
                { title: t('campaigns.outcome'), dataIndex: 'outcome', render: (o: CampaignOutcome | null) => (o ? <Tag>{t(`campaigns.outcomes.${o}`)}</Tag> : null) },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={9}>
          <CustomerPanel
            customer={current}
            canDial={!!campaign && canDial(campaign)}
            readOnly={readOnly}
            onCall={(c) => void call(c)}
            onSave={(c, s) => void save(c, s).catch(showError)}
            onSaveAndNext={(c, s) => void saveAndNext(c, s)}
            onAddToCustomers={(c) => void addToCustomers(c)}
          />
        </Col>
      </Row>
    </Space>
  );
}
