// CommandAuthResponse.response (auth_method_name, auth_data): the client's fresh credential,
// answering the AUTH_CHALLENGE of a credential refresh (see connection/auth-session.ts).
import type { Handler } from './types.js';

export const handleAuthResponse: Handler = (conn, cmd) => {
  const session = conn.authSession;
  if (!session || !cmd.authResponse) {
    conn.close('AUTH_RESPONSE on a connection that was not challenged');
    return;
  }
  return session.onResponse(cmd.authResponse);
};
