/**
 * Who may do what: every app service checks the caller's capability here, before it looks at anything else,
 * so every door (HTTP, later MCP) enforces the same rules in the same order (API.md "Check order").
 */
import { ForbiddenError } from '../core/errors.js';
import type { Capability, Principal } from '../core/types.js';

export function requireCapability(principal: Principal, capability: Capability): Principal {
  if (!principal.capabilities.includes(capability)) {
    throw new ForbiddenError(`this credential lacks the '${capability}' capability`, { required: capability });
  }
  return principal;
}

/** Key management is for a person: a login token whose role carries `manage`, never an API key. */
export function requireLoginWithManage(principal: Principal): Principal {
  if (principal.kind !== 'user') throw new ForbiddenError('API keys are managed with a login token, not an API key');
  return requireCapability(principal, 'manage');
}

/**
 * Input a door reads only when the service asks for it: the check order puts the session and resource
 * lookups before input validation, and channel create answers 501 before its body is read at all.
 */
export type Input<T> = () => T;
