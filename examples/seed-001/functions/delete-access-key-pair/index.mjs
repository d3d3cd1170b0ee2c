/**
 * DeleteAccessKeyPair of seed 001, against opsflow's identity instead of IAM. Input: the AWS
 * Health event. It learns whose key the first affected entity is (GET /v1/access-keys/{id},
 * opsflow's GetAccessKeyLastUsed) and deletes it (DELETE /v1/users/{user}/access-keys/{id}),
 * so the key stops authenticating at once. An API refusal (the key is already gone, access
 * denied) throws ClientError, which the state machine's Catch sends to NotifySecurity. A
 * malformed event throws TypeError/RangeError, which is not caught, as upstream.
 */
import { api } from "./opsflow-client.mjs";

/** The key id the event names (only the first affected entity, as upstream). */
function exposedKey(event) {
  const entities = event.detail.affectedEntities;
  if (!Array.isArray(entities) || entities.length === 0)
    throw new RangeError("detail.affectedEntities holds no entity");
  const key = entities[0].entityValue;
  if (typeof key !== "string" || key === "")
    throw new TypeError("detail.affectedEntities[0].entityValue is not an access key id");
  return key;
}

export async function handler(event) {
  const key = exposedKey(event);
  const found = await api("GET", `/v1/access-keys/${encodeURIComponent(key)}`);
  await api(
    "DELETE",
    `/v1/users/${encodeURIComponent(found.user)}/access-keys/${encodeURIComponent(key)}`,
  );
  console.log(`deleted access key ${key} of user ${found.user}`);
  return {
    account_id: event.account,
    time_discovered: event.time,
    username: found.user,
    deleted_key: key,
  };
}
