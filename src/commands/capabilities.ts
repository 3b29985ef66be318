import { UsageError } from '../errors.js';
import type { ProviderInfo } from '../providers/types.js';

/** A command the provider cannot carry out is exit 2 before anything is sent. */
export function requireCapability(provider: ProviderInfo, capability: 'create' | 'revoke', what: string): void {
  if (!provider.capabilities[capability]) {
    throw new UsageError(
      `${provider.displayName} (${provider.id}) cannot ${what} through its API`,
      'keywarden providers shows what each provider can do',
    );
  }
}
