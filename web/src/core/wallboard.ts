// The wallboard's figures (大屏): totals over the skill groups shown and the thresholds that turn
// a figure amber or red. Pure.
import type { GroupFigures, MonitorAgent, QueueLength } from '../api/types';
import { statusKey } from './presence';

export type Level = 'ok' | 'amber' | 'red';

export interface BoardTotals {
  waiting: number;
  /** When the longest-waiting caller queued (server ms), if anyone waits. */
  oldestSince: number | null;
  /** Distinct agents, not per-group counts (an agent in two groups counts once). */
  idle: number;
  talking: number;
  signedIn: number;
  offered: number;
  answered: number;
  abandoned: number;
  /** Average speed of answer over all groups, ms. */
  averageAnswerMs: number | null;
  /** Percent, rounded down, over all groups. */
  serviceLevel: number | null;
  /** The strictest target and threshold among the groups shown. */
  target: number;
  thresholdSecs: number;
}

export function boardTotals(agents: MonitorAgent[], queues: QueueLength[], figures: GroupFigures[]): BoardTotals {
  let idle = 0;
  let talking = 0;
  let signedIn = 0;
  for (const a of agents) {
    const k = statusKey(a.presence);
    if (k === 'offline') continue;
    signedIn += 1;
    if (k === 'idle') idle += 1;
    if (k === 'talking' || k === 'ringing') talking += 1;
  }
  const oldest = queues.filter((q) => q.waiting > 0 && q.oldest_since != null).map((q) => q.oldest_since as number);
  const sum = (f: (g: GroupFigures) => number) => figures.reduce((n, g) => n + f(g), 0);
  const timed = sum((g) => (g.average_answer_ms != null ? g.answered : 0));
  const answerMs = sum((g) => (g.average_answer_ms != null ? g.average_answer_ms * g.answered : 0));
  const left = sum((g) => g.left_queue);
  return {
    waiting: queues.reduce((n, q) => n + q.waiting, 0),
    oldestSince: oldest.length ? Math.min(...oldest) : null,
    idle,
    talking,
    signedIn,
    offered: sum((g) => g.offered),
    answered: sum((g) => g.answered),
    abandoned: sum((g) => g.abandoned),
    averageAnswerMs: timed > 0 ? Math.round(answerMs / timed) : null,
    serviceLevel: left > 0 ? Math.floor((sum((g) => g.answered_in_time) * 100) / left) : null,
    target: figures.length ? Math.max(...figures.map((g) => g.service_level_target)) : 80,
    thresholdSecs: figures.length ? Math.min(...figures.map((g) => g.service_level_secs)) : 20,
  };
}

/** Callers waiting: amber while nobody is idle to take them, red at 5 or more with nobody idle. */
export function waitingLevel(waiting: number, idle: number): Level {
  if (waiting === 0 || idle > 0) return 'ok';
  return waiting >= 5 ? 'red' : 'amber';
}

/** The longest wait: amber past the service-level threshold, red past twice it. */
export function waitLevel(waitedMs: number | null, thresholdSecs: number): Level {
  if (waitedMs == null) return 'ok';
  if (waitedMs >= thresholdSecs * 2000) return 'red';
  return waitedMs >= thresholdSecs * 1000 ? 'amber' : 'ok';
}

/** The service level: amber below the target, red 10 points or more below it. */
export function serviceLevelLevel(serviceLevel: number | null, target: number): Level {
  if (serviceLevel == null || serviceLevel >= target) return 'ok';
  return serviceLevel <= target - 10 ? 'red' : 'amber';
}

/** Abandoned calls: amber from 5 % of the offered, red from 10 %. */
export function abandonedLevel(abandoned: number, offered: number): Level {
  if (offered === 0) return 'ok';
  const share = (abandoned * 100) / offered;
  if (share >= 10) return 'red';
  return share >= 5 ? 'amber' : 'ok';
}
