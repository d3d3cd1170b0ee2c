/**
 * Event-pattern matching throughput: events/s for 1, 100 and 10,000 rules of each operator
 * kind on ~1 KB nested JSON events, JSON parsing included (`matchesForJson`), next to plain
 * `JSON.parse` of the same texts in the same run (the ceiling for any matcher that parses
 * whole events).
 *
 * Every rule has its own operand and each event matches at most a handful of rules, as on a
 * real bus; `anything-but` and `exists` rules test per-rule tag fields (`detail.tags.tN`),
 * because an anything-but on one shared field matches nearly every event for every rule and
 * the answer itself would then grow with the rule count.
 *
 * Each figure is measured twice on the same machine: through `matchesForJson`, which reads
 * only the fields rules use straight from the text (src/events/pattern/scan.ts), and through
 * `matchesForParsedJson` (JSON.parse, then flattening the value), the reference path. The
 * rounds of one kind take turns (JSON.parse, each rule count, each path), so the ratios
 * compare figures taken in the same stretches of a shared machine's time.
 *
 * Run: `node --expose-gc --import tsx bench/events-match.ts` (about 40-60 s on 2 cores).
 */

import { pathToFileURL } from "node:url";
import { PatternMatcher } from "../src/events/pattern/index.js";
import { bestOfEach, printTable } from "./table.js";

const EVENTS = 4_000;
const KEYSPACE = 20_000;
const RULE_COUNTS = [1, 100, 10_000] as const;

/** Deterministic PRNG so runs are comparable. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex8 = (n: number): string => n.toString(16).padStart(8, "0");
const ip = (k: number, host: number): string => `10.${(k >> 8) & 255}.${k & 255}.${host}`;

/** The benchmark's events: deterministic, ~1 KB EC2-style JSON texts. */
export function makeEvents(): string[] {
  const random = rng(42);
  const pick = () => Math.floor(random() * KEYSPACE);
  const states = ["running", "Stopped", "PENDING", "terminated", "stopping"];
  return Array.from({ length: EVENTS }, (_, n) => {
    const k = pick();
    const tags: Record<string, string> = {};
    for (let t = 0; t < 5; t++) tags[`t${pick()}`] = random() < 0.5 ? "yes" : "no";
    const event = {
      version: "0",
      id: `6a7e8feb-b491-4cf7-a9f1-${hex8(n)}abcd`,
      "detail-type": "EC2 Instance State-change Notification",
      source: "aws.ec2",
      account: "111122223333",
      time: "2026-11-22T18:43:48Z",
      region: "us-west-1",
      resources: [`arn:aws:ec2:us-west-1:111122223333:instance/i-${hex8(k)}`],
      detail: {
        instance: {
          id: `i-${hex8(k)}-${Math.floor(random() * 1000)}`,
          type: "m5.large",
          az: "us-west-1a",
        },
        state: states[n % states.length],
        user: random() < 0.5 ? `USER${k}` : `user${k}`,
        path: `/srv/app${k}/logs/${k}.log`,
        sourceIP: ip(k, Math.floor(random() * 256)),
        metrics: { latency: k * 0.5, cpu: random() * 100, mem: Math.floor(random() * 65536) },
        tags,
        requestParameters: {
          filterSet: { items: [{ name: "instance-state-name", values: ["running", "pending"] }] },
          maxResults: 100,
          dryRun: false,
          clientToken: `token-${hex8(k * 7)}-${hex8(n)}`,
        },
        responseElements: null,
        userAgent:
          "aws-cli/2.15.0 Python/3.11.6 Linux/6.1 exe/x86_64.amzn.2 prompt/off command/ec2.describe",
      },
    };
    return JSON.stringify(event);
  });
}

type RuleMaker = (i: number) => unknown;

const detail = (body: Record<string, unknown>) => ({ source: ["aws.ec2"], detail: body });

/** Per operator kind, the pattern of rule `i`. */
export const KINDS: ReadonlyArray<readonly [string, RuleMaker]> = [
  [
    "exact",
    (i) => detail({ instance: { type: ["m5.large"] }, state: ["running"], user: [`user${i}`] }),
  ],
  ["prefix", (i) => detail({ instance: { id: [{ prefix: `i-${hex8(i)}-` }] } })],
  ["suffix", (i) => detail({ path: [{ suffix: `/${i}.log` }] })],
  ["anything-but", (i) => detail({ tags: { [`t${i}`]: [{ "anything-but": ["no", "maybe"] }] } })],
  ["numeric", (i) => detail({ metrics: { latency: [{ numeric: [">=", i, "<", i + 1] }] } })],
  ["cidr", (i) => detail({ sourceIP: [{ cidr: `${ip(i, 0)}/24` }] })],
  ["wildcard", (i) => detail({ path: [{ wildcard: `/srv/app${i}/*.log` }] })],
  ["exists", (i) => detail({ tags: { [`t${i}`]: [{ exists: true }] } })],
  ["equals-ignore-case", (i) => detail({ user: [{ "equals-ignore-case": `User${i}` }] })],
];

function eventsPerSecond(ms: number): number {
  return (EVENTS / ms) * 1000;
}

const percent = (part: number, whole: number) => `${((part / whole) * 100).toFixed(0)}%`;

/** Runs the benchmark and prints its tables. */
export async function main(): Promise<void> {
  const events = makeEvents();
  const avgBytes = Math.round(events.reduce((n, e) => n + e.length, 0) / events.length);
  const repeat = 12;

  const parse = () => {
    for (const e of events) JSON.parse(e);
  };
  // The fastest JSON.parse of any round of any kind: the ceiling every figure is set against.
  let parseMs = Number.POSITIVE_INFINITY;

  const rows: (string | number)[][] = [];
  const measured: { kind: string; rates: number[]; parsedRates: number[] }[] = [];
  for (const [kind, make] of KINDS) {
    const matchers = RULE_COUNTS.map((count) => {
      const matcher = new PatternMatcher();
      for (let i = 0; i < count; i++) matcher.addRule(`r${i}`, make(i));
      return matcher;
    });
    const matched = matchers.map(() => 0);
    const scans = matchers.map((matcher, index) => () => {
      matched[index] = 0;
      for (const e of events) matched[index] += matcher.matchesForJson(e).length;
    });
    // The reference path on the same events: JSON.parse, then flatten the value.
    const parsed = matchers.map((matcher) => () => {
      for (const e of events) matcher.matchesForParsedJson(e);
    });
    const [parseOnce, ...times] = await bestOfEach(repeat, [parse, ...scans, ...parsed]);
    parseMs = Math.min(parseMs, parseOnce!);
    const rates = times.slice(0, matchers.length).map((ms) => eventsPerSecond(ms));
    const parsedRates = times.slice(matchers.length).map((ms) => eventsPerSecond(ms));
    measured.push({ kind, rates, parsedRates });
    RULE_COUNTS.forEach((count, index) => {
      rows.push([
        kind,
        String(count),
        rates[index]!,
        parsedRates[index]!,
        `${(rates[index]! / parsedRates[index]!).toFixed(2)}x`,
        (matched[index]! / EVENTS).toFixed(3),
        "",
      ]);
    });
  }
  const ceiling = eventsPerSecond(parseMs);
  for (const row of rows) row[6] = percent(row[2] as number, ceiling);
  const summary = measured.map(({ kind, rates, parsedRates }) => [
    kind,
    rates[0]!,
    rates[1]!,
    rates[2]!,
    (rates[2]! / rates[0]!).toFixed(2),
    (parsedRates[2]! / parsedRates[0]!).toFixed(2),
    percent(rates[2]!, ceiling),
  ]);

  printTable(
    `Event matching from JSON text, ${EVENTS} events of ~${avgBytes} B. scan = matchesForJson (fields read from the text); parse = JSON.parse + flatten + match; JSON.parse alone: ${Math.round(ceiling).toLocaleString("en-US")} events/s`,
    [
      "operator",
      "rules",
      "scan ev/s",
      "parse ev/s",
      "scan/parse",
      "matches/event",
      "scan vs JSON.parse",
    ],
    rows,
  );
  printTable(
    "Summary, scan path (goals: >= 200,000 events/s for exact/prefix; 10,000-rule figure >= 0.5 x the 1-rule figure)",
    [
      "operator",
      "1 rule",
      "100 rules",
      "10,000 rules",
      "10k / 1",
      "10k / 1 (parse)",
      "10k vs JSON.parse",
    ],
    summary,
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
