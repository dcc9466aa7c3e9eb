import type { BaseCommand, Frame } from '@magnetar/protocol';
import type { ServerConnection } from '../connection/server-connection.js';

/** Handles one decoded command; a returned promise's rejection is answered as CommandError. */
export type Handler = (conn: ServerConnection, cmd: BaseCommand, frame: Frame) => void | Promise<void>;
