/**
 * Who performs an admin action: an admin API key on the admin listener, or an operator at the CLI
 * inside the pod (where `kubectl exec` access is the authentication and the Kubernetes audit log
 * names the person). Recorded in every audit entry the action writes.
 */
export interface AdminActor {
  via: 'api' | 'cli';
  keyId: string | null;
  keyName: string | null;
}

export const cliActor: AdminActor = { via: 'cli', keyId: null, keyName: null };

/** What `details` of an admin audit entry starts with (DESIGN.md "Admin endpoint": who and why). */
export function actorDetails(actor: AdminActor, reason: string): Record<string, unknown> {
  return { adminKeyId: actor.keyId, adminKeyName: actor.keyName, via: actor.via, reason };
}
