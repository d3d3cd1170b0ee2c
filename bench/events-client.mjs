/**
 * The HTTP client of the PutEvents latency bench, in its own process so that it does not
 * compete with the server for one event loop: puts RATE events/s (one entry per call) on
 * `POST /v1/events` for SECONDS seconds. Each event's detail carries `sentAt`, the absolute
 * time it left (performance.timeOrigin + performance.now(), comparable across processes).
 * Prints the answer latencies (ms) as a JSON array.
 *
 * argv: url token rate seconds
 */
const [url, token, rate, seconds] = process.argv.slice(2);
const total = Number(rate) * Number(seconds);
const answered = [];
const calls = [];
const now = () => performance.timeOrigin + performance.now();
const start = performance.now();
for (let seq = 0; seq < total; seq++) {
  const wait = start + (seq * 1000) / Number(rate) - performance.now();
  if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
  const sentAt = now();
  calls.push(
    fetch(`${url}/v1/events`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({
        entries: [{ source: "bench", detailType: "tick", detail: { seq, sentAt } }],
      }),
    }).then(async (response) => {
      if (!response.ok) throw new Error(`PutEvents: ${response.status} ${await response.text()}`);
      answered.push(now() - sentAt);
    }),
  );
}
await Promise.all(calls);
process.stdout.write(JSON.stringify(answered));
