// The real-time monitor's state (实时监控): every agent's presence and current call, every
// queue, every group's figures for today, loaded from `GET /monitor` and kept live by
// `monitor_agent` / `monitor_queue` / `monitor_figures` events. Pure.
import type { Event, GroupFigures, Monitor, MonitorAgent, QueueLength } from '../api/types';
import { isNewer, statusKey, type StatusKey } from './presence';

export interface MonitorState {
  /** Ordered by work ID. */
  agents: MonitorAgent[];
  /** Ordered by name. */
  queues: QueueLength[];
  /** Ordered by name. */
  figures: GroupFigures[];
  /** Server clock minus this browser's clock (ms), from the last presence received. */
  clockOffset: number;
  /** True once the snapshot arrived. */
  loaded: boolean;
}

export const initialMonitor: MonitorState = { agents: [], queues: [], figures: [], clockOffset: 0, loaded: false };

export type MonitorAction =
  /** `GET /monitor` answered, at local time `at`. */
  | { type: 'snapshot'; monitor: Monitor; at: number }
  /** An event from the WebSocket, received at local time `at`. */
  | { type: 'event'; event: Event; at: number };

const byWorkId = (a: MonitorAgent, b: MonitorAgent) =>
  a.work_id.localeCompare(b.work_id, undefined, { numeric: true }) || a.presence.user_id - b.presence.user_id;
const byName = (a: { name: string; group_id: number }, b: { name: string; group_id: number }) =>
  a.name.localeCompare(b.name) || a.group_id - b.group_id;

/** Puts `agent` in, unless what is there is newer. */
function upsertAgent(agents: MonitorAgent[], agent: MonitorAgent): MonitorAgent[] | null {
  const i = agents.findIndex((a) => a.presence.user_id === agent.presence.user_id);
  if (i < 0) return [...agents, agent].sort(byWorkId);
  if (!isNewer(agents[i].presence, agent.presence)) return null;
  // An event may not know the name of an agent outside any group: keep the one we have.
  const merged = agent.name ? agent : { ...agent, work_id: agents[i].work_id, name: agents[i].name };
  const next = [...agents];
  next[i] = merged;
  return next;
}

function upsert<T extends { name: string; group_id: number }>(list: T[], x: T): T[] {
  return [...list.filter((y) => y.group_id !== x.group_id), x].sort(byName);
}

export function monitorReducer(state: MonitorState, action: MonitorAction): MonitorState {
  if (action.type === 'snapshot') {
    // Agents changed by events while the snapshot was on its way keep the newer presence.
    let agents = state.agents;
    for (const a of action.monitor.agents) agents = upsertAgent(agents, a) ?? agents;
    const latest = action.monitor.agents.reduce((m, a) => Math.max(m, a.presence.as_of), 0);
    return {
      agents,
      queues: [...action.monitor.queues].sort(byName),
      figures: [...(action.monitor.figures ?? [])].sort(byName),
      clockOffset: latest > 0 ? latest - action.at : state.clockOffset,
      loaded: true,
    };
  }
  const ev = action.event;
  if (ev.type === 'monitor_agent') {
    const agents = upsertAgent(state.agents, ev.agent);
    return agents ? { ...state, agents, clockOffset: ev.agent.presence.as_of - action.at } : state;
  }
  if (ev.type === 'monitor_queue') return { ...state, queues: upsert(state.queues, ev.queue) };
  if (ev.type === 'monitor_figures') return { ...state, figures: upsert(state.figures, ev.figures) };
  return state;
}

/** Head counts for the monitor's summary line. */
export function monitorSummary(agents: MonitorAgent[]): Record<'signedIn' | StatusKey, number> {
  const out: Record<'signedIn' | StatusKey, number> = {
    signedIn: 0, offline: 0, custom: 0, busy: 0, idle: 0, ringing: 0, talking: 0, after_call_work: 0,
  };
  for (const a of agents) {
    const k = statusKey(a.presence);
    out[k] += 1;
    if (k !== 'offline') out.signedIn += 1;
  }
  return out;
}

/** The monitor narrowed to one skill group (`null`: every group the supervisor watches). */
export function inGroup(state: MonitorState, group: number | null): Pick<MonitorState, 'agents' | 'queues' | 'figures'> {
  if (group === null) return state;
  return {
    agents: state.agents.filter((a) => (a.groups ?? []).includes(group)),
    queues: state.queues.filter((q) => q.group_id === group),
    figures: state.figures.filter((f) => f.group_id === group),
  };
}
