// Who a pop's call is with: the details rows and the customer card, sharing the customer's name
// (a customer the agent adds from the pop names the call at once).
import { useState } from 'react';
import type { Offer } from '../../api/types';
import CustomerCard from '../customers/CustomerCard';
import CallDetails from './CallDetails';

export default function CallAbout({ number, offer, prefix }: { number: string; offer: Offer | null; prefix: string }) {
  const [name, setName] = useState<string | null>(null);
  return (
    <>
      <CallDetails prefix={prefix} number={number} offer={offer} customerName={name} />
      <CustomerCard prefix={prefix} number={number} onCustomer={setName} />
    </>
  );
}
