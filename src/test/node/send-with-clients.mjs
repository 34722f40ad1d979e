// Sends a scripted stream of Segment Spec events to a running Shoal with the real tracking clients, as a shop's
// server would: @segment/analytics-node and @rudderstack/rudder-sdk-node, each pointed at Shoal by host name only.
// Run by io.shoal.ingest.TrackingClientsTest: reads the scenario (JSON) on stdin, prints a JSON summary on stdout,
// exits 1 when a client reported an error.
//
// scenario: { "base": "http://127.0.0.1:8081", "writeKey": "...",
//             "shoppers": [ { "client": "segment" | "rudderstack", "anonymousId": "...", "userId": "...",
//                             "browse": [names], "search": "query", "buy": [names] } ] }
import { Analytics as SegmentAnalytics } from '@segment/analytics-node';
import RudderAnalytics from '@rudderstack/rudder-sdk-node';

const input = await new Promise((resolve) => {
  let data = '';
  process.stdin.on('data', (c) => (data += c));
  process.stdin.on('end', () => resolve(data));
});
const scenario = JSON.parse(input);
const errors = [];
const sent = { segment: 0, rudderstack: 0 };

const segment = new SegmentAnalytics({
  writeKey: scenario.writeKey, host: scenario.base, flushAt: 5, flushInterval: 200, maxRetries: 3,
});
segment.on('error', (e) => errors.push(`segment: ${e.code} ${e.reason ?? ''}`));
const rudder = new RudderAnalytics(scenario.writeKey, {
  dataPlaneUrl: scenario.base, flushAt: 5, flushInterval: 200, retryCount: 3, logLevel: 'error',
  errorHandler: (e) => errors.push(`rudderstack: ${e.message}`),
});

// Both clients take the same call shapes; RudderStack's calls take a callback instead of returning a promise.
const call = (client, method, message) => {
  sent[client]++;
  if (client === 'segment') {
    segment[method](message);
  } else {
    rudder[method](message);
  }
};

let minute = 0;
// Date objects: RudderStack's client insists on them (Segment's takes either).
const at = () => new Date(Date.UTC(2026, 11, 1, 9, minute++));

for (const s of scenario.shoppers) {
  // Anonymous browsing before login.
  for (const name of s.browse) {
    call(s.client, 'track', { anonymousId: s.anonymousId, event: 'Product Viewed', timestamp: at(),
      properties: { product_id: `p-${name.length}`, name, price: 2.5 } });
  }
  call(s.client, 'page', { anonymousId: s.anonymousId, name: 'Checkout', timestamp: at() });
  call(s.client, 'track', { anonymousId: s.anonymousId, event: 'Cart Viewed', timestamp: at() });
  // Login, then the known shopper searches and orders (the clients keep sending the anonymousId along).
  call(s.client, 'identify', { userId: s.userId, anonymousId: s.anonymousId, traits: { plan: 'test' },
    timestamp: at() });
  call(s.client, 'track', { userId: s.userId, anonymousId: s.anonymousId, event: 'Products Searched',
    timestamp: at(), properties: { query: s.search } });
  call(s.client, 'track', { userId: s.userId, anonymousId: s.anonymousId, event: 'Order Completed',
    timestamp: at(), properties: { order_id: `o-${s.userId}`,
      products: s.buy.map((name, i) => ({ product_id: `b-${i}`, name, quantity: 1, price: 4 })) } });
}

await segment.closeAndFlush({ timeout: 30000 });
// RudderStack sends flushAt messages per flush; an empty queue's flush waits for the one in flight.
do {
  await rudder.flush();
} while (rudder.queue.length > 0);
await rudder.flush();
// Exit only once the summary is written: stdout to a pipe is asynchronous.
process.stdout.write(JSON.stringify({ sent, errors }) + '\n', () => process.exit(errors.length === 0 ? 0 : 1));
