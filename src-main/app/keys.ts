/** API keys of the organization (ours): created, listed and revoked by a person with a login token. */
import type { ApiKeyInfo, ApiKeyService } from '../auth/api-keys.js';
import { NotFoundError } from '../core/errors.js';
import type { Capability, Principal } from '../core/types.js';
import { requireLoginWithManage, type Input } from './access.js';

export type KeysService = ReturnType<typeof createKeysService>;

export function createKeysService(deps: { apiKeys: ApiKeyService }) {
  const { apiKeys } = deps;
  return {
    list(p: Principal): ApiKeyInfo[] {
      requireLoginWithManage(p);
      return apiKeys.list(p.organizationId);
    },

    /** The secret is in this answer only; the gateway keeps just its hash. */
    create(p: Principal, input: Input<{ name: string; capabilities: Capability[] }>): ApiKeyInfo & { key: string } {
      requireLoginWithManage(p);
      const body = input();
      const created = apiKeys.create(p.organizationId, body.name, body.capabilities);
      return { ...created.info, key: created.key };
    },

    revoke(p: Principal, id: string): void {
      requireLoginWithManage(p);
      if (!apiKeys.revoke(p.organizationId, id)) throw new NotFoundError('api key not found', { id });
    },
  };
}
