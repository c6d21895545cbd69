// The call an agent is on, in the monitor's agent table: state, direction, customer number,
// skill group and how long it has been ringing or connected.
import { Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { LiveCall } from '../../api/types';
import { timerText } from '../../core/presence';

const STATE_COLOR = { ringing: 'orange', talking: 'blue', held: 'purple', consult: 'magenta' } as const;

export default function CallCell({ call, groupName, now }: { call: LiveCall | null | undefined; groupName: (id: number) => string | undefined; now: number }) {
  const { t } = useTranslation();
  if (!call) return <Typography.Text type="secondary">—</Typography.Text>;
  const group = call.group_id != null ? groupName(call.group_id) : undefined;
  return (
    <Space size={4} wrap data-testid="agent-call">
      <Tag color={STATE_COLOR[call.state]} data-testid="agent-call-state">
        {t(`supervision.callStates.${call.state}`)}
      </Tag>
      <Typography.Text type="secondary">{t(`supervision.directions.${call.direction}`)}</Typography.Text>
      <Typography.Text data-testid="agent-call-customer">{call.customer}</Typography.Text>
      {group && <Tag>{group}</Tag>}
      <span style={{ fontFamily: 'monospace' }} data-testid="agent-call-timer">
        {timerText(call.since, now)}
      </span>
    </Space>
  );
}
