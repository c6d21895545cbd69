// What the pops (弹屏) show about a call (rows from core/callDetails): number, name, number
// location (归属地), how many times the number called, its last call, the enterprise number
// dialed and its skill group.
import { Descriptions } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Offer } from '../../api/types';
import { callDetailRows } from '../../core/callDetails';

export default function CallDetails({ number, offer, prefix, customerName }: { number: string; offer: Offer | null; prefix: string; customerName?: string | null }) {
  const { t } = useTranslation();
  const items = callDetailRows(number, offer, t, customerName);
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
