import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const binary = ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot'].find((p) => fs.existsSync(p));

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((res) => srv.listen(0, '127.0.0.1', res));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((res) => srv.close(() => res()));
  return port;
}

function idsOf(name: string): { uid: number; gid: number } | null {
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) return null;
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

async function greets(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(1000, () => done(false));
    s.once('data', (d) => done(d.toString().startsWith('* OK')));
    s.once('error', () => done(false));
  });
}

export type Dovecot = { host: string; port: number; url: string; users: Record<string, string>; dir: string; close: () => Promise<void> };

/**
 * A private Dovecot IMAP server for one test file (Debian `dovecot-imapd`): its own configuration,
 * run and state directories and maildirs in a temporary folder, a passwd-file of plain passwords,
 * no TLS, on a free port of 127.0.0.1. As root (CI), the system users `dovecot` and `dovenull`
 * created by the package run the internal and login processes, and the mail belongs to `nobody`
 * (Dovecot refuses mail access as uid 0); as another user, everything runs as that user.
 */
export async function startDovecot({ users = { bounces: 'secret-imap' } as Record<string, string> } = {}): Promise<Dovecot> {
  if (!binary) throw new Error('dovecot introuvable : installez le paquet Debian dovecot-imapd (apt-get install -y --no-install-recommends dovecot-imapd)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'facteur-dovecot-'));
  fs.chmodSync(dir, 0o755);
  const root = process.getuid?.() === 0;
  const me = os.userInfo();
  const mailIds = root ? (idsOf('nobody') ?? { uid: 65534, gid: 65534 }) : { uid: me.uid, gid: me.gid };
  const home = path.join(dir, 'home');
  fs.mkdirSync(home, { mode: 0o755 });
  if (root) fs.chownSync(home, mailIds.uid, mailIds.gid);
  const passwd = path.join(dir, 'passwd');
  fs.writeFileSync(passwd, Object.entries(users).map(([u, p]) => `${u}:{PLAIN}${p}\n`).join(''), { mode: 0o644 });
  const port = await freePort();
  const conf = path.join(dir, 'dovecot.conf');
  fs.writeFileSync(
    conf,
    `instance_name = facteur-test-${path.basename(dir)}
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${root ? 'dovecot' : me.username}
default_internal_group = ${root ? 'dovecot' : (me.username)}
default_login_user = ${root ? 'dovenull' : me.username}
first_valid_uid = ${Math.min(mailIds.uid, 500)}
first_valid_gid = 0
mail_location = maildir:${home}/%u/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${passwd}
}
userdb {
  driver = static
  args = uid=${mailIds.uid} gid=${mailIds.gid} home=${home}/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
namespace inbox {
  inbox = yes
}
`,
  );
  const child: ChildProcess = spawn(binary, ['-F', '-c', conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const log = () => `${output}\n${fs.existsSync(path.join(dir, 'dovecot.log')) ? fs.readFileSync(path.join(dir, 'dovecot.log'), 'utf8') : ''}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dovecot s’est arrêté au démarrage :\n${log()}`);
    if (await greets(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGTERM');
      throw new Error(`dovecot ne répond pas sur le port ${port} :\n${log()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host: '127.0.0.1',
    port,
    url: `imap://127.0.0.1:${port}`,
    users,
    dir,
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
