/** Namespaced structured logger: fields first, then the message. Writes JSON lines to stderr. */
export type LogFields = Record<string, unknown>;
export type Logger = {
  debug: (fields: LogFields, msg: string) => void;
  info: (fields: LogFields, msg: string) => void;
  warn: (fields: LogFields, msg: string) => void;
  error: (fields: LogFields, msg: string) => void;
  child: (namespace: string) => Logger;
};

const levels = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 } as const;
export type LogLevel = keyof typeof levels;

const secretKeys = /pass|secret|token|authorization|cookie|pin|key$/i;

function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [k, v] of Object.entries(fields)) {
    if (secretKeys.test(k) && typeof v === 'string') out[k] = '[redacted]';
    else if (v instanceof Error) out[k] = { name: v.name, message: v.message, code: (v as { code?: string }).code };
    else out[k] = v;
  }
  return out;
}

export function createLogger({
  namespace = 'facteur',
  level = 'info',
  write = (line: string) => process.stderr.write(line + '\n'),
}: { namespace?: string; level?: LogLevel; write?: (line: string) => void } = {}): Logger {
  const min = levels[level];
  const emit = (lvl: Exclude<LogLevel, 'silent'>) => (fields: LogFields, msg: string) => {
    if (levels[lvl] < min) return;
    write(JSON.stringify({ t: new Date().toISOString(), level: lvl, ns: namespace, msg, ...redact(fields) }));
  };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    child: (ns) => createLogger({ namespace: `${namespace}:${ns}`, level, write }),
  };
}

export const silentLogger: Logger = createLogger({ level: 'silent' });
