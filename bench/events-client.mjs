/**
 * The HTTP client of the PutEvents latency bench, in its own process so that it does not
 * compete with the server for one event loop. It puts RATE events/s (one entry per call) on
 * `POST /v1/events` for SECONDS seconds, open loop: call `seq` leaves at start + seq/RATE s
 * whatever the answers to earlier calls are doing, over a pool of keep-alive connections.
 * (autocannon's `overallRate` is no pacing: each connection sends back to back until its
 * share of the second is used, then waits for the next second, so the server sees bursts at
 * full speed.) Each event's detail carries `sentAt`, the absolute time the call was written
 * (performance.timeOrigin + performance.now(), comparable across processes). Prints the
 * answer latencies (ms) as a JSON array.
 *
 * It first puts events for `warmUpSeconds`, unmeasured, with `warmUp: true` in their detail:
 * the first calls of a run open the pool's connections and compile the code of both ends,
 * and a run that measured them would measure that (a few hundred ms of start-up), not the
 * steady rate.
 *
 * argv: url token rate seconds warmUpSeconds
 */
import { Agent, request } from "node:http";

const [url, token, rate, seconds, warmUpSeconds = "0"] = process.argv.slice(2);
const now = () => performance.timeOrigin + performance.now();
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const target = new URL("/v1/events", url);

/** One PutEvents call; resolves with its answer latency. */
function put(seq, warmUp) {
  return new Promise((resolve, reject) => {
    const sentAt = now();
    const detail = warmUp ? { seq, sentAt, warmUp } : { seq, sentAt };
    const body = JSON.stringify({
      entries: [{ source: "bench", detailType: "tick", detail }],
    });
    const call = request(
      target,
      {
        method: "POST",
        agent,
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
        },
      },
      (response) => {
        response.resume();
        response.on("end", () =>
          response.statusCode === 200
            ? resolve(now() - sentAt)
            : reject(new Error(`PutEvents: ${response.statusCode}`)),
        );
      },
    );
    call.on("error", reject);
    call.end(body);
  });
}

/** Puts `rate` events/s for `duration` seconds; resolves with their answer latencies. */
async function run(duration, warmUp) {
  const calls = [];
  const start = performance.now();
  for (let seq = 0; seq < Number(rate) * duration; seq++) {
    const wait = start + (seq * 1000) / Number(rate) - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    calls.push(put(seq, warmUp));
  }
  return Promise.all(calls);
}

await run(Number(warmUpSeconds), true);
const answered = await run(Number(seconds), false);
agent.destroy();
process.stdout.write(JSON.stringify(answered));
