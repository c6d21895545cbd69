// The wallboard (大屏): a full-screen page for a wall display with the contact center's figures
// in big type, totals over the skill groups the supervisor watches (or one group: `?group=ID`).
// A figure past its threshold turns amber or red (see core/wallboard). No controls: it follows
// the events WebSocket, which reconnects by itself after a network drop, and reloads the
// snapshot when it does.
import { useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../auth';
import { inGroup } from '../core/monitor';
import { formatDuration } from '../core/presence';
import { abandonedLevel, boardTotals, serviceLevelLevel, waitingLevel, waitLevel, type Level } from '../core/wallboard';
import { useMonitor } from '../useMonitor';
import { useNow } from '../useNow';

const COLORS: Record<Level, string> = { ok: '#e6edf3', amber: '#f0a020', red: '#f85149' };

function Figure({ id, title, value, level = 'ok' }: { id: string; title: string; value: string | number; level?: Level }) {
  return (
    <div style={{ background: '#161b22', borderRadius: 12, padding: '2vh 2vw', display: 'flex', flexDirection: 'column', justifyContent: 'center' }}>
      <div style={{ fontSize: '2.4vh', color: '#8b949e' }}>{title}</div>
      <div data-testid={`wallboard-${id}`} data-level={level} style={{ fontSize: '9vh', fontWeight: 700, lineHeight: 1.1, color: COLORS[level], fontVariantNumeric: 'tabular-nums' }}>
        {value}
      </div>
    </div>
  );
}

export default function WallboardPage() {
  const { t } = useTranslation();
  const { connection } = useAuth();
  const all = useMonitor();
  const [params] = useSearchParams();
  const group = params.get('group') ? Number(params.get('group')) : null;
  const view = inGroup(all, group);
  const now = useNow() + all.clockOffset;
  const b = boardTotals(view.agents, view.queues, view.figures);
  const waited = b.oldestSince != null ? now - b.oldestSince : null;
  const title = group != null ? (view.queues[0]?.name ?? view.figures[0]?.name ?? t('wallboard.title')) : t('wallboard.title');

  return (
    <div data-testid="wallboard" style={{ position: 'fixed', inset: 0, background: '#0d1117', color: '#e6edf3', padding: '3vh 3vw', display: 'flex', flexDirection: 'column', gap: '2vh' }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline' }}>
        <div style={{ fontSize: '4vh', fontWeight: 600 }}>{title}</div>
        <div style={{ fontSize: '3vh', fontVariantNumeric: 'tabular-nums', color: '#8b949e' }}>{new Date(now).toLocaleTimeString()}</div>
      </div>
      {connection !== 'open' && (
        <div data-testid="wallboard-offline" style={{ background: '#f0a020', color: '#0d1117', fontSize: '2.6vh', padding: '0.6vh 1vw', borderRadius: 8 }}>
          {t('wallboard.reconnecting')}
        </div>
      )}
      {all.loaded && view.queues.length === 0 && view.figures.length === 0 && <div style={{ fontSize: '3vh' }}>{t('wallboard.noGroups')}</div>}
      <div style={{ flex: 1, display: 'grid', gridTemplateColumns: 'repeat(4, 1fr)', gridAutoRows: '1fr', gap: '2vh' }}>
        <Figure id="waiting" title={t('wallboard.waiting')} value={b.waiting} level={waitingLevel(b.waiting, b.idle)} />
        <Figure id="longest" title={t('wallboard.longestWait')} value={waited != null ? formatDuration(waited / 1000) : '—'} level={waitLevel(waited, b.thresholdSecs)} />
        <Figure id="idle" title={t('wallboard.idleAgents')} value={b.idle} />
        <Figure id="talking" title={t('wallboard.talking')} value={`${b.talking} / ${b.signedIn}`} />
        <Figure id="offered" title={t('wallboard.offered')} value={b.offered} />
        <Figure id="answered" title={t('wallboard.answered')} value={b.answered} />
        <Figure id="abandoned" title={t('wallboard.abandoned')} value={b.abandoned} level={abandonedLevel(b.abandoned, b.offered)} />
        <Figure
          id="service-level"
          title={`${t('wallboard.serviceLevel')} (${b.target}/${b.thresholdSecs})`}
          value={b.serviceLevel != null ? `${b.serviceLevel}%` : '—'}
          level={serviceLevelLevel(b.serviceLevel, b.target)}
        />
        <Figure id="asa" title={t('wallboard.asa')} value={b.averageAnswerMs != null ? formatDuration(b.averageAnswerMs / 1000) : '—'} />
      </div>
    </div>
  );
}
