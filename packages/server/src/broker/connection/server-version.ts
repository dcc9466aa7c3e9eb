/** CommandConnected.server_version and CommandAuthChallenge.server_version. */
export const SERVER_VERSION = 'Magnetar 0.1.0';
