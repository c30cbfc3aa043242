import { Injectable } from '@nestjs/common';
import { DataSource, LessThan } from 'typeorm';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.service';
import type { ActiveSession } from '../../identity/sessions/login-sessions.service';
import { IdentityService } from '../../identity/identity.service';
import type { MembershipView } from '../../identity/identity.service';
import { ClientsRepository } from '../clients/clients.repository';
import type { OAuthClient } from '../clients/oauth-client.entity';
import { GrantsService } from '../grants/grants.service';
import { AccessDeniedError, InvalidScopeError } from '../oauth.errors';
import type { OAuthError } from '../oauth.errors';
import { effectiveScopes } from '../scopes';
import { AuthorizationCode } from '../tokens/authorization-code.entity';
import { hashSecret, newSecret } from '../tokens/token-values';
import type { AuthorizationParameters } from './authorization-parameters';
import { AuthorizationRequest } from './authorization-request.entity';
import { authorizationResponseUrl } from './authorization-response';

/** A pending request as the login and consent pages see it. */
export interface PendingAuthorization {
  request: AuthorizationRequest;
  client: OAuthClient;
}

/**
 * The interaction as a small state machine (after ory/hydra's flow): a validated /authorize request
 * is stored at step "login"; signing in moves it to "consent"; approving issues a code and ends it,
 * denying ends it with access_denied. Each transition checks that the request belongs to this
 * browser's session and has not expired, so a request id alone is worth nothing (security.md H1).
 */
@Injectable()
export class AuthorizationFlowService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly clients: ClientsRepository,
    private readonly grants: GrantsService,
    private readonly identity: IdentityService,
  ) {}

  /** Stores the request; returns the id for the login/consent URLs. */
  async begin(session: ActiveSession, parameters: AuthorizationParameters): Promise<string> {
    const id = newSecret('authorizationRequest');
    await this.dataSource.getRepository(AuthorizationRequest).insert({
      idHash: hashSecret(id),
      sessionHash: session.idHash,
      step: session.userId ? 'consent' : 'login',
      clientId: parameters.client.id,
      redirectUri: parameters.redirectUri,
      state: parameters.state ?? null,
      codeChallenge: parameters.codeChallenge,
      resource: parameters.resource,
      scopes: parameters.scopes,
      forceConsent: parameters.forceConsent,
      expiresAt: new Date(Date.now() + this.config.oauth.authorizationRequestSeconds * 1000),
    });
    return id;
  }

  /** The request if it exists, is this session's, and has not expired. */
  async find(session: ActiveSession | null, id: unknown): Promise<PendingAuthorization | null> {
    if (!session || typeof id !== 'string' || id.length > 200) return null;
    const request = await this.dataSource
      .getRepository(AuthorizationRequest)
      .findOneBy({ idHash: hashSecret(id) });
    if (!request || request.sessionHash !== session.idHash || request.expiresAt.getTime() <= Date.now())
      return null;
    const client = await this.clients.findById(request.clientId);
    if (!client || client.disabledAt) return null;
    return { request, client };
  }

  /** Sign-in rotated the session: the browser's pending requests follow it and move to consent. */
  async followSession(manager: EntityManager, fromHash: string, toHash: string): Promise<void> {
    await manager
      .getRepository(AuthorizationRequest)
      .update({ sessionHash: fromHash }, { sessionHash: toHash, step: 'consent' });
  }

  /**
   * The organization a remembered approval covers, when there is exactly one and the client did
   * not ask to be asked again; undefined means "show the consent page".
   */
  async rememberedOrganization(userId: string, pending: PendingAuthorization): Promise<string | undefined> {
    if (pending.request.forceConsent) return undefined;
    const orgs = await this.grants.orgsWithConsent(userId, pending.client.id, pending.request.scopes);
    return orgs.length === 1 ? orgs[0] : undefined;
  }

  async membershipsOf(userId: string): Promise<MembershipView[]> {
    return this.identity.membershipsOf(userId);
  }

  /** Approve: issue a code bound to everything the token endpoint must re-check; returns the redirect. */
  async approve(
    userId: string,
    pending: PendingAuthorization,
    orgId: string,
    remember: boolean,
  ): Promise<string> {
    const membership = (await this.identity.membershipsOf(userId)).find((m) => m.orgId === orgId);
    if (!membership)
      return this.finish(pending, {
        error: new AccessDeniedError('You are not a member of that organization.'),
      });
    const scopes = effectiveScopes(pending.request.scopes, membership.role);
    if (!scopes.some((s) => s !== 'offline_access')) {
      return this.finish(pending, {
        error: new InvalidScopeError(
          `Your role (${membership.role}) does not allow any of the requested scopes.`,
        ),
      });
    }
    const code = newSecret('authorizationCode');
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(AuthorizationCode).insert({
        codeHash: hashSecret(code),
        clientId: pending.client.id,
        orgId,
        userId,
        redirectUri: pending.request.redirectUri,
        codeChallenge: pending.request.codeChallenge,
        resource: pending.request.resource,
        scopes,
        expiresAt: new Date(Date.now() + this.config.tokens.authorizationCodeSeconds * 1000),
      });
      if (remember) {
        await this.grants.rememberConsent(manager, {
          userId,
          clientId: pending.client.id,
          orgId,
          scopes: pending.request.scopes,
        });
      }
      await manager.getRepository(AuthorizationRequest).delete({ idHash: pending.request.idHash });
    });
    return authorizationResponseUrl(
      pending.request.redirectUri,
      this.config.oauth.issuer,
      pending.request.state ?? undefined,
      { code },
    );
  }

  async deny(pending: PendingAuthorization): Promise<string> {
    return this.finish(pending, { error: new AccessDeniedError('The user denied access.') });
  }

  private async finish(pending: PendingAuthorization, result: { error: OAuthError }): Promise<string> {
    await this.dataSource.getRepository(AuthorizationRequest).delete({ idHash: pending.request.idHash });
    return authorizationResponseUrl(
      pending.request.redirectUri,
      this.config.oauth.issuer,
      pending.request.state ?? undefined,
      result,
    );
  }

  async deleteExpired(): Promise<void> {
    await this.dataSource.getRepository(AuthorizationRequest).delete({ expiresAt: LessThan(new Date()) });
  }
}
