/**
 * The node's Ed25519 identity: its key pair, and the headers that sign each call with it.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { AGENT_DATE_HEADER, authorizationHeader, stringToSign } from "../protocol.js";

/** A new key pair: the private key as PKCS#8 PEM, the public key as SPKI DER base64. */
export function generateNodeKeys(): { privateKeyPem: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return {
    privateKeyPem: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
    publicKey: publicKey.export({ type: "spki", format: "der" }).toString("base64"),
  };
}

/** The private key of PEM text. */
export function loadPrivateKey(pem: string): KeyObject {
  return createPrivateKey(pem);
}

/** Signs one call as `instanceId`: the date and Authorization headers to send with it. */
export function signedHeaders(
  instanceId: string,
  privateKey: KeyObject,
  method: string,
  pathAndQuery: string,
  body: Uint8Array,
  date: Date,
): Record<string, string> {
  const iso = date.toISOString();
  const text = stringToSign(method, pathAndQuery, iso, body);
  const signature = sign(null, Buffer.from(text, "utf8"), privateKey).toString("base64");
  return {
    [AGENT_DATE_HEADER]: iso,
    authorization: authorizationHeader(instanceId, signature),
  };
}
