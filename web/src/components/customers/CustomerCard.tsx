// The customer in a call pop: who the number belongs to (name, company, tags, a link to the
// profile) and their last follow-up, or "Add to my customers"; and "Schedule callback".
import { useCallback, useEffect, useState } from 'react';
import { Button, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { CustomerLookup } from '../../api/types';
import { api, unwrap } from '../../core/api';
import { formatCallTime } from '../../core/callDetails';
import { isMaskedNumber } from '../../core/customers';
import CallbackForm from './CallbackForm';
import CustomerForm from './CustomerForm';

/** `onCustomer` hears the name of the number's customer (null for none) each time it is
 * looked up, so the pop's details can show a customer added from the pop itself. */
export default function CustomerCard({ number, prefix, onCustomer }: { number: string; prefix: string; onCustomer?: (name: string | null) => void }) {
  const { t } = useTranslation();
  const [found, setFound] = useState<CustomerLookup | null>(null);
  const [adding, setAdding] = useState(false);
  const [scheduling, setScheduling] = useState(false);
  // A masked number (a masking campaign's customer) is neither looked up nor added.
  const masked = isMaskedNumber(number);
  const load = useCallback(async () => {
    if (!number || masked) return;
    try {
      setFound(unwrap(await api.GET('/api/v1/customers/lookup', { params: { query: { number } } })));
    } catch {
      // The pop works without it: the number is shown anyway.
      setFound({ customer: null, last_follow_up: null });
    }
  }, [number, masked]);
  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (found) onCustomer?.(found.customer?.name ?? null);
  }, [found, onCustomer]);
  if (!number || masked || !found) return null;
  const c = found.customer;
  return (
    <div style={{ marginTop: 8 }} data-testid={`${prefix}-customer`}>
      <Space wrap>
        {c ? (
          <>
            <Typography.Text strong data-testid={`${prefix}-customer-name`}>
              {c.name}
            </Typography.Text>
            {c.company && <Typography.Text type="secondary">{c.company}</Typography.Text>}
            {c.tags.map((tag) => (
              <Tag key={tag}>{tag}</Tag>
            ))}
            {c.visible ? (
              <Link to={`/customers/${c.id}`} data-testid={`${prefix}-customer-link`}>
                {t('customers.open')}
              </Link>
            ) : (
              <Typography.Text type="secondary">{t('customers.notVisible', { owner: c.owner_name ?? t('customers.nobody') })}</Typography.Text>
            )}
          </>
        ) : (
          <Button size="small" onClick={() => setAdding(true)} data-testid={`${prefix}-add-customer`}>
            {t('customers.addMine')}
          </Button>
        )}
        <Button size="small" onClick={() => setScheduling(true)} data-testid={`${prefix}-schedule-callback`}>
          {t('callbacks.schedule')}
        </Button>
      </Space>
      {found.last_follow_up && (
          <div data-testid={`${prefix}-last-follow-up`}>
            <Typography.Text type="secondary">
              {t('customers.lastFollowUp')} ({formatCallTime(found.last_follow_up.created_at)} {found.last_follow_up.author_name ?? ''}):{' '}
            </Typography.Text>
            <Typography.Text>{found.last_follow_up.body}</Typography.Text>
          </div>
      )}
      {adding && (
        <CustomerForm
          open={adding}
          number={number}
          onClose={() => setAdding(false)}
          onSaved={() => {
            setAdding(false);
            void load();
          }}
        />
      )}
      {scheduling && (
        <CallbackForm
          open={scheduling}
          number={number}
          customerId={c?.id ?? null}
          onClose={() => setScheduling(false)}
          onSaved={() => {
            setScheduling(false);
            window.dispatchEvent(new Event('patchbay:callbacks-changed'));
          }}
        />
      )}
    </div>
  );
}
