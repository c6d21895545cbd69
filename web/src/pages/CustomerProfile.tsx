// A customer's profile (客户档案): the details with a Call button per number, edit and delete,
// scheduling a callback, follow-up records (跟进记录) and the timeline (客户轨迹) of calls,
// follow-ups and callbacks.
import { useCallback, useEffect, useState } from 'react';
import { App as AntApp, Button, Card, Col, Descriptions, Empty, Form, Input, Popconfirm, Row, Space, Spin, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams } from 'react-router-dom';
import type { Customer, TimelineEntry } from '../api/types';
import { useAuth } from '../auth';
import { api, unwrap } from '../core/api';
import { formatCallTime } from '../core/callDetails';
import { usePhoneActions } from '../cti';
import { useShowError } from '../errors';
import CallbackForm from '../components/customers/CallbackForm';
import CustomerForm from '../components/customers/CustomerForm';

function TimelineItem({ e }: { e: TimelineEntry }) {
  const { t } = useTranslation();
  const when = formatCallTime(e.at);
  if (e.kind === 'call' && e.call) {
    const c = e.call;
    return (
      <span data-testid="timeline-call">
        <Tag color="blue">{t('customers.kind.call')}</Tag> {when} {c.direction === 'inbound' ? t('customers.inbound') : t('customers.outbound')} ·{' '}
        {t(`calls.results.${c.result}`)} {c.result === 'answered' && `· ${t('customers.talk', { seconds: c.talk_seconds })}`} {c.agent_name && `· ${c.agent_name}`}
      </span>
    );
  }
  if (e.kind === 'follow_up' && e.follow_up) {
    return (
      <span data-testid="timeline-follow-up">
        <Tag color="green">{t('customers.kind.follow_up')}</Tag> {when} {e.follow_up.author_name ?? ''}:{' '}
        <Typography.Text style={{ whiteSpace: 'pre-wrap' }}>{e.follow_up.body}</Typography.Text>
      </span>
    );
  }
  if (e.kind === 'callback' && e.callback) {
    const cb = e.callback;
    return (
      <span data-testid="timeline-callback">
        <Tag color="orange">{t('customers.kind.callback')}</Tag> {when} {cb.number} · {t(`callbacks.states.${cb.state}`)}
        {cb.remark && ` · ${cb.remark}`} {cb.agent_name && `· ${cb.agent_name}`}
      </span>
    );
  }
  return null;
}

export default function CustomerProfilePage() {
  const { t } = useTranslation();
  const { id } = useParams();
  const customerId = Number(id);
  const navigate = useNavigate();
  const { message } = AntApp.useApp();
  const showError = useShowError();
  const { me } = useAuth();
  const { dial } = usePhoneActions();
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [timeline, setTimeline] = useState<TimelineEntry[] | null>(null);
  const [editing, setEditing] = useState(false);
  const [scheduling, setScheduling] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);
  const load = useCallback(async () => {
    try {
      const path = { params: { path: { id: customerId } } };
      const [c, tl] = await Promise.all([api.GET('/api/v1/customers/{id}', path), api.GET('/api/v1/customers/{id}/timeline', path)]);
      setCustomer(unwrap(c));
      setTimeline(unwrap(tl));
    } catch (e) {
      showError(e);
      setTimeline([]);
    }
  }, [customerId, showError]);
  useEffect(() => {
    void load();
  }, [load]);
  const addNote = async () => {
    setSaving(true);
    try {
      unwrap(await api.POST('/api/v1/customers/{id}/follow-ups', { params: { path: { id: customerId } }, body: { body: note } }));
      setNote('');
      void message.success(t('customers.followUpSaved'));
      await load();
    } catch (e) {
      showError(e);
    } finally {
      setSaving(false);
    }
  };
  const remove = async () => {
    try {
      unwrap(await api.DELETE('/api/v1/customers/{id}', { params: { path: { id: customerId } } }));
      void message.success(t('common.deleted'));
      navigate('/customers');
    } catch (e) {
      showError(e);
    }
  };
  const call = async (number: string) => {
    try {
      await dial(number);
      void message.success(t('phonebar.dialing', { number }));
    } catch (e) {
      showError(e);
    }
  };
  if (!customer) return timeline === null ? <Spin /> : <Empty />;
  const canDial = !!me?.permissions.includes('answer_dial');
  return (
    <Row gutter={[16, 16]} data-testid="customer-profile">
      <Col xs={24} lg={12}>
        <Card
          title={<span data-testid="profile-name">{customer.name}</span>}
          extra={
            <Space>
              <Button onClick={() => setEditing(true)} data-testid="customer-edit">
                {t('common.edit')}
              </Button>
              <Popconfirm title={t('customers.deleteConfirm')} onConfirm={() => void remove()}>
                <Button danger>{t('common.delete')}</Button>
              </Popconfirm>
            </Space>
          }
        >
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('customers.company')}>{customer.company ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('customers.numbers')}>
              <Space orientation="vertical" size={2}>
                {customer.numbers.map((n) => (
                  <Space key={n}>
                    <span data-testid="profile-number">{n}</span>
                    {canDial && (
                      <Button size="small" type="link" onClick={() => void call(n)}>
                        {t('customers.call')}
                      </Button>
                    )}
                    <Button size="small" type="link" onClick={() => setScheduling(n)} data-testid="profile-schedule">
                      {t('callbacks.schedule')}
                    </Button>
                  </Space>
                ))}
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t('customers.tags')}>
              {customer.tags.map((x) => (
                <Tag key={x}>{x}</Tag>
              ))}
            </Descriptions.Item>
            <Descriptions.Item label={t('customers.owner')}>{customer.owner_name ?? t('customers.nobody')}</Descriptions.Item>
            {Object.entries(customer.fields).map(([k, v]) => (
              <Descriptions.Item key={k} label={k}>
                {v}
              </Descriptions.Item>
            ))}
          </Descriptions>
        </Card>
        <Card title={t('customers.addFollowUp')} style={{ marginTop: 16 }}>
          <Form onFinish={() => void addNote()}>
            <Input.TextArea
              rows={3}
              value={note}
              maxLength={2000}
              onChange={(e) => setNote(e.target.value)}
              placeholder={t('customers.followUpPlaceholder')}
              data-testid="follow-up-input"
            />
            <Button type="primary" htmlType="submit" loading={saving} disabled={!note.trim()} style={{ marginTop: 8 }} data-testid="follow-up-save">
              {t('common.save')}
            </Button>
          </Form>
        </Card>
      </Col>
      <Col xs={24} lg={12}>
        <Card title={t('customers.timeline')} data-testid="customer-timeline">
          {timeline === null ? (
            <Spin />
          ) : timeline.length === 0 ? (
            <Empty description={t('customers.noTimeline')} />
          ) : (
            <Timeline items={timeline.map((e, i) => ({ key: `${e.kind}-${e.at}-${i}`, content: <TimelineItem e={e} /> }))} />
          )}
        </Card>
      </Col>
      {editing && (
        <CustomerForm
          open={editing}
          customer={customer}
          onClose={() => setEditing(false)}
          onSaved={(c) => {
            setEditing(false);
            setCustomer(c);
          }}
        />
      )}
      {scheduling !== null && (
        <CallbackForm
          open={scheduling !== null}
          number={scheduling ?? ''}
          customerId={customer.id}
          onClose={() => setScheduling(null)}
          onSaved={() => {
            setScheduling(null);
            void load();
          }}
        />
      )}
    </Row>
  );
}
