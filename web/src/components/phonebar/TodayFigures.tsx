// Today's talk time, calls, busy and idle totals, the running one ticking.
import { Space, Statistic } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDuration, todayAt } from '../../core/presence';
import { usePhoneBar } from '../../cti';
import { useNow } from '../../useNow';

export default function TodayFigures() {
  const { t } = useTranslation();
  const { presence, clockOffset } = usePhoneBar();
  const now = useNow();
  const f = presence ? todayAt(presence, now + clockOffset) : { talk_seconds: 0, calls: 0, busy_seconds: 0, idle_seconds: 0 };
  const items = [
    { id: 'today-talk', title: t('phonebar.talkTime'), value: formatDuration(f.talk_seconds) },
    { id: 'today-calls', title: t('phonebar.calls'), value: String(f.calls) },
    { id: 'today-busy', title: t('phonebar.busyTime'), value: formatDuration(f.busy_seconds) },
    { id: 'today-idle', title: t('phonebar.idleTime'), value: formatDuration(f.idle_seconds) },
  ];
  return (
    <Space size="large" wrap aria-label={t('phonebar.today')}>
      {items.map((i) => (
        <Statistic
          key={i.id}
          title={`${t('phonebar.today')} · ${i.title}`}
          value={i.value}
          styles={{ content: { fontSize: 20, fontVariantNumeric: 'tabular-nums' } }}
          valueRender={(node) => <span data-testid={i.id}>{node}</span>}
        />
      ))}
    </Space>
  );
}
