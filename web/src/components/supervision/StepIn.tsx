// A supervisor's step into an agent's call (SPEC §4): listen (监听), whisper, barge-in (强插),
// force-disconnect (强拆), one way only. The buttons on the monitor (an agent on a call) and on
// the supervisor's own phone bar while they are in the call.
import { useState } from 'react';
import { Button, Popconfirm, Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, unwrap } from '../../core/api';
import { useShowError } from '../../errors';

export type Step = 'listen' | 'whisper' | 'barge' | 'disconnect';
const ORDER: Step[] = ['listen', 'whisper', 'barge', 'disconnect'];

/** The steps still open after `current` (none taken: all but force-disconnect). */
export function nextSteps(current: string | null | undefined): Step[] {
  if (!current) return ['listen', 'whisper', 'barge'];
  const at = ORDER.indexOf(current as Step);
  return at < 0 ? [] : ORDER.slice(at + 1);
}

export async function stepIn(agent: number, step: Step): Promise<void> {
  unwrap(await api.POST('/api/v1/monitor/agents/{id}/{step}', { params: { path: { id: agent, step } } }));
}

/** Buttons for the steps still open on `agent`'s call. */
export function StepInButtons({ agent, current, size = 'small' }: { agent: number; current?: string | null; size?: 'small' | 'middle' }) {
  const { t } = useTranslation();
  const showError = useShowError();
  const [pending, setPending] = useState<Step | null>(null);
  const go = async (step: Step) => {
    setPending(step);
    try {
      await stepIn(agent, step);
    } catch (e) {
      showError(e);
    } finally {
      setPending(null);
    }
  };
  return (
    <Space wrap size={4}>
      {nextSteps(current).map((step) =>
        step === 'disconnect' ? (
          <Popconfirm key={step} title={t('stepIn.disconnectConfirm')} onConfirm={() => void go(step)}>
            <Button size={size} danger loading={pending === step} data-testid={`step-${step}-${agent}`}>
              {t(`stepIn.steps.${step}`)}
            </Button>
          </Popconfirm>
        ) : (
          <Button key={step} size={size} loading={pending === step} onClick={() => void go(step)} data-testid={`step-${step}-${agent}`}>
            {t(`stepIn.steps.${step}`)}
          </Button>
        ),
      )}
    </Space>
  );
}

/** On the supervisor's phone bar: what they are doing on whose call, and the next steps. */
export function SupervisingStatus({ agent, step, agentName }: { agent: number; step: string; agentName?: string }) {
  const { t } = useTranslation();
  return (
    <Space style={{ marginTop: 8 }} wrap>
      <Tag color="magenta" data-testid="supervising" data-step={step}>
        {t(`stepIn.doing.${step}`, { agent: agentName || `#${agent}` })}
      </Tag>
      <StepInButtons agent={agent} current={step} />
    </Space>
  );
}
