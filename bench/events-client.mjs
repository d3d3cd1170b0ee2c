/**
 * The HTTP client of the PutEvents latency bench, in its own process so that it does not
 * compete with the server for one event loop: autocannon puts RATE events/s (one entry per
 * call) on `POST /v1/events` for SECONDS seconds over 16 connections. Each event's detail
 * carries `sentAt`, the absolute time it was built (performance.timeOrigin +
 * performance.now(), comparable across processes). Prints the answer latencies (ms) as a JSON
 * array.
 *
 * argv: url token rate seconds
 */
import autocannon from "autocannon";

const [url, token, rate, seconds] = process.argv.slice(2);
const now = () => performance.timeOrigin + performance.now();
const answered = [];
let seq = 0;
await autocannon({
  url: `${url}/v1/events`,
  connections: 16,
  overallRate: Number(rate),
  amount: Number(rate) * Number(seconds),
  method: "POST",
  headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
  requests: [
    {
      setupRequest(request, context) {
        const at = now();
        context.sentAt = at;
        const detail = { seq: seq++, sentAt: at };
        return {
          ...request,
          body: JSON.stringify({ entries: [{ source: "bench", detailType: "tick", detail }] }),
        };
      },
      onResponse(status, _body, context) {
        if (status !== 200) throw new Error(`PutEvents: ${status}`);
        answered.push(now() - context.sentAt);
      },
    },
  ],
});
process.stdout.write(JSON.stringify(answered));
