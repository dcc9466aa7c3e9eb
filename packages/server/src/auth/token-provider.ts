/**
 * Token authentication (Pulsar's AuthenticationProviderToken): a JWT in CommandConnect.auth_data or
 * after "Bearer " in the Authorization header, signed with tokenSecretKey (HS*) or the private half
 * of tokenPublicKey (tokenPublicAlg). The role is the tokenAuthClaim claim ("sub" by default).
 */
import { errors, jwtVerify, type JWTPayload } from 'jose';
import type { Clock } from '../util/clock.js';
import type { VerificationKey } from './token-keys.js';
import {
  AuthenticationFailure,
  type AuthCredentials,
  type AuthenticatedIdentity,
  type AuthenticationProvider,
} from './types.js';

export interface TokenProviderOptions {
  key: VerificationKey;
  /** tokenAuthClaim: the claim holding the role. */
  authClaim: string;
  /** tokenAudienceClaim: the claim holding the audience. */
  audienceClaim: string;
  /** tokenAudience: this broker's audience; empty skips the check. */
  audience: string;
  /** exp and nbf are judged by this clock. */
  clock: Clock;
}

export class TokenAuthenticationProvider implements AuthenticationProvider {
  readonly method = 'token';

  constructor(private readonly options: TokenProviderOptions) {}

  async authenticate(credentials: AuthCredentials): Promise<AuthenticatedIdentity> {
    const token = credentials.data.toString('utf8').trim();
    if (token === '') throw new AuthenticationFailure('Blank token found');
    const payload = await this.verify(token);
    this.checkAudience(payload);
    const role = payload[this.options.authClaim];
    if (typeof role !== 'string' || role === '') {
      throw new AuthenticationFailure(
        `Token has no role: claim "${this.options.authClaim}" is missing or not a non-empty string`,
      );
    }
    const identity: AuthenticatedIdentity = { role, method: this.method };
    if (typeof payload.exp === 'number') identity.expiresAtMs = payload.exp * 1000;
    return identity;
  }

  private async verify(token: string): Promise<JWTPayload> {
    const { key, algorithms } = this.options.key;
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms,
        currentDate: new Date(this.options.clock.now()),
      });
      return payload;
    } catch (err) {
      throw new AuthenticationFailure(`Failed to authenticate token: ${reasonOf(err)}`, { cause: err });
    }
  }

  /** Pulsar's rule: the audience claim is a string equal to tokenAudience or a list containing it. */
  private checkAudience(payload: JWTPayload): void {
    const { audience, audienceClaim } = this.options;
    if (audience === '') return;
    const claimed = payload[audienceClaim];
    const ok = claimed === audience || (Array.isArray(claimed) && claimed.some((a) => a === audience));
    if (!ok) throw new AuthenticationFailure('Token audience does not include this broker');
  }
}

/** A reason safe to send: it names what failed, never the token or anything copied from it. */
function reasonOf(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    return err.claim === 'nbf' ? 'token not yet valid' : `invalid "${err.claim}" claim`;
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'signature verification failed';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'signing algorithm not accepted';
  return 'malformed token';
}
