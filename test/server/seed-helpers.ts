/**
 * What the seed end-to-end tests share: an in-process server that mails through a real SMTP
 * server, confirming an email subscription by its mailed link, and finding the execution a
 * rule started from its input.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as sfn from "@aws-sdk/client-sfn";
import type { RunningServer } from "../../src/server/compose.js";
import { AdjustableClock, startOpsServer, type startSmtp, until } from "../ops/helpers.js";

type Smtp = Awaited<ReturnType<typeof startSmtp>>;

/** Starts opsflow in-process, mailing through `smtp` and retrying deliveries quickly. */
export function startSeedServer(smtp: Smtp): Promise<RunningServer> {
  return startOpsServer(new AdjustableClock(), {
    mail: { smtpUrl: smtp.url, from: "opsflow <ops@example.com>" },
    retry: { baseMs: 30, maxMs: 100, maxAttempts: 3 },
  });
}

/** Waits for the subscription confirmation mailed to `address` and follows its link. */
export async function confirmSubscription(smtp: Smtp, address: string): Promise<void> {
  const confirmation = await until(
    () =>
      smtp.mails.find((m) => m.to.includes(address) && /Confirm your subscription/.test(m.subject)),
    20_000,
  );
  const link = /(http:\/\/\S+\/links\/subscriptions\/confirm\?token=\S+)/.exec(
    confirmation.text,
  )?.[1];
  assert.ok(link, confirmation.text);
  assert.equal((await fetch(link, { method: "POST" })).status, 200);
}

/** The execution of `stateMachineArn` whose parsed input `matches`, once it has ended. */
export function endedExecution(
  states: sfn.SFNClient,
  stateMachineArn: string,
  // biome-ignore lint/suspicious/noExplicitAny: inputs are read field by field, as the tests need.
  matches: (input: any) => boolean,
) {
  return until(async () => {
    const { executions } = await states.send(new sfn.ListExecutionsCommand({ stateMachineArn }));
    for (const e of executions ?? []) {
      const described = await states.send(
        new sfn.DescribeExecutionCommand({ executionArn: e.executionArn }),
      );
      if (!matches(JSON.parse(described.input ?? "{}"))) continue;
      return described.status === "RUNNING" ? undefined : described;
    }
    return undefined;
  }, 30_000);
}

/** Asserts that each example file (first) has exactly the text of its seed file (second). */
export function assertSameFiles(pairs: [example: URL, seed: URL][]): void {
  for (const [example, seed] of pairs)
    assert.equal(readFileSync(example, "utf8"), readFileSync(seed, "utf8"), example.pathname);
}
