// Who was on a call, for its record: the agents' parts in order (segments), the supervisors'
// steps into it, and the agents' notes (read-only here).
import { useEffect, useState } from 'react';
import { Divider, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { CallNote, CallRecord, CallSegment, SupervisionStep } from '../../api/types';
import { api, unwrap } from '../../core/api';

/** Who talked on the call, in order, and the agents' notes (read-only here). */
export default function SegmentsAndNotes({ call }: { call: CallRecord }) {
  const { t, i18n } = useTranslation();
  const [segments, setSegments] = useState<CallSegment[]>([]);
  const [notes, setNotes] = useState<CallNote[]>([]);
  const [steps, setSteps] = useState<SupervisionStep[]>([]);
  useEffect(() => {
    let live = true;
    const path = { params: { path: { id: call.id } } };
    Promise.all([api.GET('/api/v1/calls/{id}/segments', path), api.GET('/api/v1/calls/{id}/notes', path), api.GET('/api/v1/calls/{id}/supervision', path)])
      .then(([s, n, v]) => {
        if (!live) return;
        setSegments(unwrap(s));
        setNotes(unwrap(n));
        setSteps(unwrap(v));
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [call]);
  const time = (ms: number) => new Date(ms).toLocaleTimeString(i18n.language);
  return (
    <>
      {segments.length > 0 && (
        <>
          <Divider titlePlacement="start">{t('segments.title')}</Divider>
          {segments.map((s, i) => (
            <div key={`${s.agent_id}-${s.started_at}`} data-testid="call-segment" style={{ padding: '2px 0' }}>
              {i + 1}. <strong>{s.agent_name ?? s.agent_id}</strong> ({s.agent_work_id ?? ''}) {time(s.started_at)}–{time(s.ended_at)}{' '}
              <Tag>{s.transferred ? t('segments.transferred') : t('segments.ended')}</Tag>
            </div>
          ))}
        </>
      )}
      {steps.length > 0 && (
        <>
          <Divider titlePlacement="start">{t('stepIn.title')}</Divider>
          {steps.map((s) => (
            <div key={`${s.supervisor_id}-${s.at}-${s.step}`} data-testid="call-supervision" style={{ padding: '2px 0' }}>
              {time(s.at)} <strong>{s.supervisor_name ?? s.supervisor_id}</strong> ({s.supervisor_work_id ?? ''}){' '}
              <Tag color="magenta">{s.step === 'left' ? t('stepIn.left') : t(`stepIn.steps.${s.step}`)}</Tag>
            </div>
          ))}
        </>
      )}
      <Divider titlePlacement="start">{t('notes.title')}</Divider>
      {notes.length === 0 ? (
        <Typography.Text type="secondary">{t('notes.none')}</Typography.Text>
      ) : (
        notes.map((n) => (
          <div key={n.id} data-testid="record-note" style={{ padding: '2px 0' }}>
            <Typography.Text type="secondary">
              {n.author_name ?? n.author_id} · {new Date(n.created_at).toLocaleString(i18n.language)}
            </Typography.Text>
            <div>{n.text}</div>
          </div>
        ))
      )}
    </>
  );
}

