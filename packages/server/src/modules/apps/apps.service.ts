import { randomBytes, randomUUID } from 'node:crypto';
import type { TApp, TAppWithSecret, TCreateAppRequest, TMyApp, TUpdateAppRequest } from '@qiming/shared';
import { assertInScope, coversPath, hasPermission } from '../../core/access/access.ts';
import { recordAudit } from '../../core/audit/audit.ts';
import { oidcIssuer } from '../../core/config.ts';
import type { AuthedContext } from '../../core/context.ts';
import { withTransaction, type DbOrTx } from '../../core/db/database.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { announceOidcClientChange, forgetOidcClient } from './apps.clients.ts';
import * as repo from './apps.repository.ts';
import { presentApp, presentMyApp, type OidcMetadata } from './apps.presenter.ts';

const missing = (field: string, message: string) =>
  new AppError('VALIDATION_FAILED', { message, details: { issues: [{ path: ['body', field], message }] } });
const newSecret = () => randomBytes(32).toString('base64url');
const newClientId = () => `qm-${randomBytes(12).toString('base64url')}`;

function policiesFor(ctx: AuthedContext, row: repo.AppRow): TApp['policies'] {
  return {
    canEdit: hasPermission(ctx.actor, 'app.register') && coversPath(ctx.actor, row.owner_scope_path),
    canEnable: hasPermission(ctx.actor, 'app.enable'),
  };
}

async function present(ctx: AuthedContext, rows: repo.AppRow[]): Promise<TApp[]> {
  const enablements = await repo.listEnablements(
    ctx.db,
    rows.map((r) => r.id),
  );
  // an administrator sees the enablements inside their own units only
  const mine = enablements.filter((e) => coversPath(ctx.actor, e.scope_path));
  return rows.map((r) => presentApp(r, mine, policiesFor(ctx, r)));
}

export async function listApps(ctx: AuthedContext): Promise<TApp[]> {
  return present(ctx, await repo.listVisibleApps(ctx.db, ctx.actor));
}

/** An application the actor can see (registered above, at or inside their units), else NOT_FOUND. */
async function getVisibleRow(ctx: AuthedContext, id: string): Promise<repo.AppRow> {
  const row = await repo.findApp(ctx.db, id);
  const visible =
    row &&
    ctx.actor.grants.some(
      (g) => g.scopePath && (g.scopePath.startsWith(row.owner_scope_path) || row.owner_scope_path.startsWith(g.scopePath)),
    );
  if (!row || !visible) throw notFound('应用');
  return row;
}

export async function getApp(ctx: AuthedContext, id: string): Promise<TApp> {
  return (await present(ctx, [await getVisibleRow(ctx, id)]))[0];
}

function oidcMetadataOf(input: NonNullable<TCreateAppRequest['oidc']>): OidcMetadata {
  return {
    redirectUris: [...new Set(input.redirectUris)],
    postLogoutRedirectUris: [...new Set(input.postLogoutRedirectUris)],
    backchannelLogoutUri: input.backchannelLogoutUri,
    grantTypes: [...new Set(input.grantTypes)],
    isPublic: input.isPublic,
    idTokenSigningAlg: input.idTokenSigningAlg,
  };
}

export async function createApp(ctx: AuthedContext, input: TCreateAppRequest): Promise<TAppWithSecret> {
  const owner = await assertInScope(ctx, 'org', input.ownerScopeId);
  const id = randomUUID();
  const isOidc = input.protocol === 'oidc';
  const metadata = isOidc ? oidcMetadataOf(input.oidc!) : null;
  const secret = metadata && !metadata.isPublic ? newSecret() : null;
  const clientId = isOidc ? newClientId() : null;
  await withTransaction(ctx.db, async (tx) => {
    await repo.insertApp(tx, {
      id,
      name: input.name,
      description: input.description,
      category: input.category,
      home_url: input.homeUrl,
      protocol: input.protocol,
      owner_scope_id: input.ownerScopeId,
      owner_scope_path: owner.path,
      client_id: clientId,
      client_secret_enc: secret ? ctx.cipher.encrypt(secret) : null,
      oidc_metadata: metadata ? JSON.stringify(metadata) : null,
      cas_service_pattern: input.protocol === 'cas' ? input.cas!.servicePrefix : null,
      is_trusted: input.isTrusted,
      created_by: ctx.actor.userId,
      created_at: new Date(),
      updated_at: new Date(),
    });
    await recordAudit(tx, ctx, {
      action: 'app.register',
      targetType: 'app',
      targetId: id,
      scopeId: input.ownerScopeId,
      summary: {
        name: input.name,
        protocol: input.protocol,
        clientId,
        redirectUris: metadata?.redirectUris,
        casService: input.cas?.servicePrefix,
      },
    });
  });
  return { app: await getApp(ctx, id), clientSecret: secret };
}

export async function updateApp(ctx: AuthedContext, id: string, input: TUpdateAppRequest): Promise<TApp> {
  const clientId = await withTransaction(ctx.db, async (tx) => {
    const before = await repo.findAppForUpdate(tx, id);
    if (!before) throw notFound('应用');
    const oldMeta = before.oidc_metadata as OidcMetadata | null;
    if (before.protocol === 'oidc' && !input.oidc) throw missing('oidc', '请填写 OpenID Connect 接入设置');
    if (before.protocol === 'cas' && !input.cas) throw missing('cas', '请填写 CAS 接入设置');
    const metadata = before.protocol === 'oidc' ? oidcMetadataOf({ ...input.oidc!, isPublic: oldMeta?.isPublic ?? false }) : null;
    await repo.updateApp(tx, id, {
      name: input.name,
      description: input.description,
      category: input.category,
      home_url: input.homeUrl,
      is_trusted: input.isTrusted,
      status: input.status,
      oidc_metadata: metadata ? JSON.stringify(metadata) : null,
      cas_service_pattern: before.protocol === 'cas' ? input.cas!.servicePrefix : null,
    });
    await recordAudit(tx, ctx, {
      action: 'app.update',
      targetType: 'app',
      targetId: id,
      scopeId: before.owner_scope_id,
      summary: {
        before: { name: before.name, status: before.status, homeUrl: before.home_url, oidc: oldMeta, cas: before.cas_service_pattern },
        after: { name: input.name, status: input.status, homeUrl: input.homeUrl, oidc: metadata, cas: input.cas?.servicePrefix ?? null },
      },
    });
    if (before.client_id) await announceOidcClientChange(tx, before.client_id);
    return before.client_id;
  });
  if (clientId) forgetOidcClient(ctx.db, clientId);
  return getApp(ctx, id);
}

/** Replaces a confidential client's secret; the old one stops working at once. */
export async function rotateClientSecret(ctx: AuthedContext, id: string): Promise<TAppWithSecret> {
  const secret = newSecret();
  const clientId = await withTransaction(ctx.db, async (tx) => {
    const app = await repo.findAppForUpdate(tx, id);
    if (!app) throw notFound('应用');
    const meta = app.oidc_metadata as OidcMetadata | null;
    if (app.protocol !== 'oidc' || !meta || meta.isPublic)
      throw new AppError('BAD_REQUEST', { message: '只有使用客户端密钥的 OpenID Connect 应用可以重置密钥' });
    await repo.updateApp(tx, id, { client_secret_enc: ctx.cipher.encrypt(secret) });
    await recordAudit(tx, ctx, {
      action: 'app.rotate_secret',
      targetType: 'app',
      targetId: id,
      scopeId: app.owner_scope_id,
      summary: { clientId: app.client_id },
    });
    await announceOidcClientChange(tx, app.client_id!);
    return app.client_id!;
  });
  forgetOidcClient(ctx.db, clientId);
  return { app: await getApp(ctx, id), clientSecret: secret };
}

export const LOGO_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
export const LOGO_MAX_BYTES = 256 * 1024;

export async function setLogo(ctx: AuthedContext, id: string, file: { data: Buffer; type: string }): Promise<TApp> {
  if (!LOGO_TYPES.includes(file.type)) throw new AppError('FILE_INVALID', { message: '图标须为 PNG、JPEG 或 WebP 图片' });
  if (file.data.length > LOGO_MAX_BYTES) throw new AppError('FILE_TOO_LARGE', { message: '图标不能超过 256 KB' });
  await withTransaction(ctx.db, async (tx) => {
    await repo.updateApp(tx, id, { logo: file.data, logo_type: file.type });
    await recordAudit(tx, ctx, {
      action: 'app.logo',
      targetType: 'app',
      targetId: id,
      summary: { bytes: file.data.length, type: file.type },
    });
  });
  return getApp(ctx, id);
}

export const getLogo = (db: DbOrTx, id: string) => repo.findLogo(db, id);

/** Turns an application on for a unit of the actor's (the route checked the unit is theirs). */
export async function setEnabled(ctx: AuthedContext, id: string, scopeId: string, enabled: boolean): Promise<TApp> {
  const app = await getVisibleRow(ctx, id);
  const scope = await assertInScope(ctx, 'org', scopeId);
  if (!scope.path.startsWith(app.owner_scope_path))
    throw new AppError('BAD_REQUEST', { message: `该应用由${app.owner_scope_name}接入，只能在其范围内开通` });
  await withTransaction(ctx.db, async (tx) => {
    const res = enabled
      ? await repo.upsertEnablement(tx, { app_id: id, scope_id: scopeId, scope_path: scope.path, enabled_by: ctx.actor.userId })
      : await repo.deleteEnablement(tx, id, scopeId);
    const changed = Number('numInsertedOrUpdatedRows' in res ? res.numInsertedOrUpdatedRows : res.numDeletedRows) > 0;
    if (changed)
      await recordAudit(tx, ctx, {
        action: enabled ? 'app.enable' : 'app.disable',
        targetType: 'app',
        targetId: id,
        scopeId,
        summary: { name: app.name },
      });
  });
  return getApp(ctx, id);
}

/** The applications enabled for the signed-in user, for the launcher on their personal space. */
export async function listMyApps(ctx: AuthedContext): Promise<TMyApp[]> {
  const places = await repo.listAccountPlaces(ctx.db, ctx.actor.userId);
  const rows = await repo.listAppsEnabledAt(ctx.db, places);
  const issuer = oidcIssuer(ctx.config);
  return rows.map((r) => presentMyApp(r, issuer));
}

/** Whether an active application is enabled where the user belongs. */
export async function isAppEnabledFor(db: DbOrTx, appId: string, userId: string): Promise<boolean> {
  const places = await repo.listAccountPlaces(db, userId);
  return (await repo.listAppsEnabledAt(db, places, appId)).length > 0;
}
