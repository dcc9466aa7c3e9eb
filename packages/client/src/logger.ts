/** Log sink: the client reports reconnects and broker-initiated closes here (silent by default). */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string) => void;

export const silentLogger: Logger = () => undefined;
