// What the pops (弹屏) show about a call: number, name, number location (归属地), how many times
// the number called, its last call, the enterprise number dialed and its skill group.
import { Descriptions } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Offer } from '../../api/types';

export default function CallDetails({ number, offer, prefix }: { number: string; offer: Offer | null; prefix: string }) {
  const { t } = useTranslation();
  const unknown = t('phonebar.unknown');
  const items = [
    { key: 'number', label: t('phonebar.caller'), value: number || t('phonebar.unknownCaller') },
    ...(offer
      ? [
          { key: 'name', label: t('phonebar.customerName'), value: offer.customer_name || unknown },
          { key: 'location', label: t('phonebar.location'), value: offer.location || unknown },
          {
            key: 'calls',
            label: t('phonebar.previousCalls'),
            value: offer.previous_calls ? t('phonebar.times', { count: offer.previous_calls }) : t('phonebar.firstCall'),
          },
          { key: 'last-call', label: t('phonebar.lastCall'), value: offer.last_call_at ? new Date(offer.last_call_at).toLocaleString() : '—' },
          { key: 'dialed', label: t('phonebar.dialed'), value: offer.enterprise_number },
          { key: 'group', label: t('phonebar.group'), value: offer.group_name },
        ]
      : []),
  ];
  return (
    <Descriptions size="small" column={{ xs: 1, sm: 2, md: 3 }} style={{ marginTop: 4 }} data-testid={`${prefix}-details`}>
      {items.map((i) => (
        <Descriptions.Item key={i.key} label={i.label}>
          <span data-testid={`${prefix}-${i.key}`}>{i.value}</span>
        </Descriptions.Item>
      ))}
    </Descriptions>
  );
}
