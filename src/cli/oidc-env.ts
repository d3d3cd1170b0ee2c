/** OIDC sign-in settings from the server's environment (see `opsflow server --help`). */
import type { OidcSettings } from "../auth/oidc/provider.js";
import { UsageError } from "./command.js";

/** The settings, or undefined when OPSFLOW_OIDC_ISSUER is not set. */
export function oidcSettingsFromEnv(env: NodeJS.ProcessEnv): OidcSettings | undefined {
  const issuer = env.OPSFLOW_OIDC_ISSUER;
  if (!issuer) return undefined;
  if (!/^https?:\/\//.test(issuer))
    throw new UsageError(`OPSFLOW_OIDC_ISSUER must be an http(s) URL, not '${issuer}'`);
  const clientId = env.OPSFLOW_OIDC_CLIENT_ID;
  if (!clientId) throw new UsageError("OPSFLOW_OIDC_ISSUER is set: set OPSFLOW_OIDC_CLIENT_ID too");
  const groupMap: Record<string, string> = {};
  for (const pair of (env.OPSFLOW_OIDC_GROUP_MAP ?? "").split(",").filter((p) => p.trim())) {
    const [theirs, ours, extra] = pair.split("=").map((part) => part.trim());
    if (!theirs || !ours || extra !== undefined || !/^[A-Za-z0-9_+=,.@-]{1,64}$/.test(ours))
      throw new UsageError(
        `OPSFLOW_OIDC_GROUP_MAP: '${pair}' is not PROVIDER_GROUP=OPSFLOW_GROUP (pairs separated by commas)`,
      );
    groupMap[theirs] = ours;
  }
  return {
    issuer,
    clientId,
    groupMap,
    ...(env.OPSFLOW_OIDC_CLIENT_SECRET && { clientSecret: env.OPSFLOW_OIDC_CLIENT_SECRET }),
    ...(env.OPSFLOW_OIDC_SCOPES && { scopes: env.OPSFLOW_OIDC_SCOPES.split(/\s+/) }),
    ...(env.OPSFLOW_OIDC_USER_CLAIM && { userClaim: env.OPSFLOW_OIDC_USER_CLAIM }),
    ...(env.OPSFLOW_OIDC_GROUPS_CLAIM && { groupsClaim: env.OPSFLOW_OIDC_GROUPS_CLAIM }),
  };
}
