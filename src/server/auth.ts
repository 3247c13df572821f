/**
 * Bearer-token authorisation of the mutating endpoints. The token comes from configuration (`server.token`,
 * env ALPHALAB_SERVER__TOKEN). With no token configured, mutations are disabled (403), so a server started
 * without one can never be changed over HTTP; a missing header is 401, a wrong token 403. Tokens are
 * compared in constant time over their SHA-256 digests (equal lengths whatever the inputs).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HttpError } from './http-errors.ts';

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** A check that throws HttpError 401/403 unless the request carries `Authorization: Bearer <token>`. */
export function bearerAuthorizer(token: string | undefined): (request: FastifyRequest) => void {
  const expected = token === undefined || token === '' ? undefined : digest(token);
  return (request) => {
    if (!expected) {
      throw new HttpError(
        403,
        'FORBIDDEN',
        'mutating endpoints are disabled: no server token is configured (set server.token or ALPHALAB_SERVER__TOKEN)',
      );
    }
    const header = request.headers.authorization;
    const m = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!m) {
      throw new HttpError(
        401,
        'UNAUTHORIZED',
        'this endpoint needs an Authorization: Bearer <token> header',
        {
          'www-authenticate': 'Bearer realm="alphalab"',
        },
      );
    }
    if (!timingSafeEqual(digest(m[1]!), expected))
      throw new HttpError(403, 'FORBIDDEN', 'the bearer token does not match');
  };
}
