// CommandPing → CommandPong; CommandPong only refreshes liveness (done for every frame).
import { CommandType } from '@magnetar/protocol';
import type { Handler } from './types.js';

export const handlePing: Handler = (conn) => {
  conn.send({ type: CommandType.PONG, pong: {} });
};

export const handlePong: Handler = () => {};
