import type { TUpstreamLink } from '@qiming/shared';
import type { LinkRow } from './upstream.repository.ts';

const iso = (d: Date | string | null): string | null => (d ? new Date(d).toISOString() : null);

export const presentLink = (r: LinkRow): TUpstreamLink => ({
  id: r.id,
  provider: r.provider,
  subject: r.subject,
  linkedBy: r.linked_by as TUpstreamLink['linkedBy'],
  claimValue: r.claim_value,
  createdAt: iso(r.created_at)!,
  lastLoginAt: iso(r.last_login_at),
  user: { id: r.user_id, username: r.username, displayName: r.display_name, isActive: r.is_active, unitName: r.unit_name },
});
