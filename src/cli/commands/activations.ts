/**
 * `opsflow activations create|list|delete`: hybrid activations over the REST API. `create`
 * prints the code (shown this once) and the `opsflow agent register` line to run on a node.
 */
import { connectionFrom, connectionHelp, runVerb } from "../api-client.js";
import { one } from "../args.js";
import { UsageError } from "../command.js";
import { fleetCall, keyValue, queryOf, table, tagsText } from "./fleet-cli.js";
import { verbArgs } from "./named-resource-verbs.js";
import { nounCommand } from "./verbs.js";

type Activation = {
  activationId: string;
  description?: string;
  defaultInstanceName?: string;
  registrationLimit: number;
  registrationsCount: number;
  expiresAt: string;
  tags: { Key: string; Value: string }[];
};

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The expiry from --expires (ISO 8601) or --expires-in (30m, 24h, 7d), as ISO; or none. */
export function expiryOf(
  values: { expires?: string; "expires-in"?: string },
  now: number,
): string | undefined {
  if (values.expires !== undefined && values["expires-in"] !== undefined)
    throw new UsageError("give --expires or --expires-in, not both");
  if (values.expires !== undefined) {
    const at = Date.parse(values.expires);
    if (Number.isNaN(at))
      throw new UsageError(`--expires must be an ISO 8601 time, not '${values.expires}'`);
    return new Date(at).toISOString();
  }
  if (values["expires-in"] === undefined) return undefined;
  const match = /^(\d+)([mhd])$/.exec(values["expires-in"]);
  if (!match)
    throw new UsageError(
      `--expires-in must be a number and m, h or d (e.g. 24h), not '${values["expires-in"]}'`,
    );
  return new Date(now + Number(match[1]) * UNIT_MS[match[2]]).toISOString();
}

/** `opsflow activations ...`. */
export const activationsCommand = nounCommand(
  "activations",
  "Hybrid activations (codes nodes register with): create, list, delete",
  {
    create: {
      summary: "Create an activation and print the command that registers a node with it",
      usage: `Usage: opsflow activations create [--name DEFAULT_NAME] [--limit N] [--expires ISO | --expires-in 24h] [--tag KEY=VALUE ...] [--description TEXT] [--iam-role ROLE]

The activation code is shown once: it is stored only as a hash.

${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = verbArgs(argv, {
          name: { type: "string" },
          limit: { type: "string" },
          expires: { type: "string" },
          "expires-in": { type: "string" },
          tag: { type: "string", multiple: true },
          description: { type: "string" },
          "iam-role": { type: "string" },
        } as const);
        if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
        const limit = values.limit === undefined ? undefined : Number(values.limit);
        if (limit !== undefined && !Number.isInteger(limit))
          throw new UsageError(`--limit must be a whole number, not '${values.limit}'`);
        const expiresAt = expiryOf(values, Date.now());
        const body = {
          ...(values.name !== undefined && { defaultInstanceName: values.name }),
          ...(limit !== undefined && { registrationLimit: limit }),
          ...(expiresAt !== undefined && { expiresAt }),
          ...(values.description !== undefined && { description: values.description }),
          ...(values["iam-role"] !== undefined && { iamRole: values["iam-role"] }),
          ...(values.tag && {
            tags: values.tag
              .map((t) => keyValue(t, "--tag"))
              .map(({ key, value }) => ({ Key: key, Value: value })),
          }),
        };
        const connection = connectionFrom(values);
        return runVerb(io, values.json ?? false, async () => {
          const result = (await fleetCall(connection, "POST", "/v1/activations", body)) as {
            activationId: string;
            activationCode: string;
          };
          const register = `opsflow agent register --endpoint ${connection.endpoint} --activation-id ${result.activationId} --activation-code ${result.activationCode}`;
          return {
            result: { ...result, registerCommand: register },
            human: `activation id:   ${result.activationId}\nactivation code: ${result.activationCode} (shown only now)\n\nOn each node, run:\n  ${register}\n  opsflow agent run\n`,
          };
        });
      },
    },
    list: {
      summary: "List activations",
      usage: `Usage: opsflow activations list [--next-token T]\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values } = verbArgs(argv, { "next-token": { type: "string" } });
        return runVerb(io, values.json ?? false, async () => {
          const result = (await fleetCall(
            connectionFrom(values),
            "GET",
            `/v1/activations${queryOf({ nextToken: values["next-token"] })}`,
          )) as { items: Activation[]; nextToken?: string };
          const rows = result.items.map((a) => [
            a.activationId,
            a.defaultInstanceName ?? "",
            `${a.registrationsCount}/${a.registrationLimit}`,
            a.expiresAt,
            tagsText(a.tags),
          ]);
          const more = result.nextToken ? `\n(more: --next-token ${result.nextToken})` : "";
          return {
            result,
            human: table(["ID", "NAME", "REGISTERED", "EXPIRES", "TAGS"], rows) + more,
          };
        });
      },
    },
    delete: {
      summary: "Delete an activation (nodes registered with it stay)",
      usage: `Usage: opsflow activations delete ID\n\n${connectionHelp}`,
      async run(argv, io) {
        const { values, positionals } = verbArgs(argv, {});
        const id = one(positionals, "activation ID");
        return runVerb(io, values.json ?? false, async () => {
          await fleetCall(
            connectionFrom(values),
            "DELETE",
            `/v1/activations/${encodeURIComponent(id)}`,
          );
          return { result: { deleted: id }, human: `deleted ${id}` };
        });
      },
    },
  },
);
