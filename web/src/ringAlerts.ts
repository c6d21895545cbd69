// While a call is offered: the ringing tone in the browser (browser audio only: a desk phone or
// mobile rings by itself) and, when the tab is hidden, a desktop notification.
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Offer } from './api/types';
import { startRinging } from './audio';

/** Asks for notification permission once (called on signing in: a user gesture). */
export function askNotificationPermission(): void {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
    void Notification.requestPermission().catch(() => {});
  }
}

export function useRingAlerts(offer: Offer | null, ringing: boolean, device: string | null | undefined): void {
  const { t } = useTranslation();
  const call = ringing && offer && !offer.auto_answer ? offer : null;
  const ring = !!call && device === 'browser';
  useEffect(() => {
    if (!ring) return undefined;
    return startRinging();
  }, [ring, call?.call]);

  useEffect(() => {
    if (!call || typeof Notification === 'undefined' || Notification.permission !== 'granted') return undefined;
    let note: Notification | null = null;
    const show = () => {
      if (!document.hidden || note) return;
      const unknown = t('phonebar.unknown');
      note = new Notification(t('phonebar.notifyTitle', { caller: call.caller || t('phonebar.unknownCaller') }), {
        body: t('phonebar.notifyBody', {
          name: call.customer_name || unknown,
          location: call.location || unknown,
          number: call.enterprise_number,
          group: call.group_name,
        }),
        tag: `patchbay-call-${call.call}`,
        requireInteraction: true,
      });
      note.onclick = () => {
        window.focus();
        note?.close();
      };
    };
    show();
    document.addEventListener('visibilitychange', show);
    return () => {
      document.removeEventListener('visibilitychange', show);
      note?.close();
    };
  }, [call, t]);
}
