/**
 * What the command service needs of documents: checking a SendCommand's document and
 * parameters, and compiling a stored command for one node on its way out. The document
 * service implements it.
 */
import type { CommandRecord, PlatformType } from "../store/fleet-port.js";
import type { AgentPlugin } from "./protocol.js";

/** A document checked for a SendCommand. */
export interface PreparedCommand {
  documentName: string;
  /** The version run, as SSM reports it (`1`, `2`...). */
  documentVersion: string;
  /** The document's content as JSON text, kept with the command. */
  content: string;
  /** The longest the steps may run, seconds (the sum of their timeouts). */
  executionTimeoutSeconds: number;
}

/** What compiling a stored command reads of it. */
export type CommandToCompile = Pick<CommandRecord, "id" | "documentContent" | "parameters">;

export interface CommandDocuments {
  /**
   * The document to run and its parameters checked (InvalidDocument, InvalidDocumentVersion,
   * InvalidParameters); only Command documents run as commands.
   */
  prepare(
    name: string,
    version: string | undefined,
    parameters: Record<string, string[]>,
  ): Promise<PreparedCommand>;
  /**
   * The steps for a node of `platform`, `{{ssm:...}}` and `{{ssm-secure:...}}` references
   * resolved now. Throws FleetError UnsupportedPlatformType when no step applies.
   */
  compile(command: CommandToCompile, platform: PlatformType): Promise<AgentPlugin[]>;
}
