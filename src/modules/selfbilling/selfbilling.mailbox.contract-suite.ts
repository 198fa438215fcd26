import { describe, expect, it } from 'vitest';
import { ignoreKeyword, type BounceMailbox } from './selfbilling.mailbox.js';

export type MailboxFolders = { processedMailbox?: string; ignoredMailbox?: string; maxMessageBytes?: number };
export type MailboxHarness = {
  box: BounceMailbox;
  /** Puts a message in the read mailbox, as the MTA would. */
  deliver: (raw: string, flags?: string[]) => Promise<void>;
  /** What a folder holds: Message-ID and flags of each message, in uid order. `''` is the read mailbox. */
  folder: (name: string) => Promise<Array<{ messageId: string; flags: string[] }>>;
  names: Required<Pick<MailboxFolders, 'processedMailbox' | 'ignoredMailbox'>>;
};

export const testMessage = (id: string, body = 'Bonjour') =>
  [`From: postmaster@mx.example.test`, `To: bounces@facteur.test`, `Subject: test ${id}`, `Message-ID: <${id}@mx.example.test>`, `Date: Tue, 03 Nov 2026 09:00:00 +0100`, '', body, ''].join('\r\n');

/** Every BounceMailbox driver must pass this suite; `make` gives a fresh, empty mailbox each time. */
export function bounceMailboxContract(name: string, make: (opts: MailboxFolders) => Promise<MailboxHarness>) {
  describe(`bounce mailbox contract: ${name}`, () => {
    it('lists unseen messages oldest first with their exact source, without marking them seen', async () => {
      const h = await make({});
      await h.deliver(testMessage('m1', 'premier'));
      await h.deliver(testMessage('m2', 'deuxième é'));
      const s = await h.box.open();
      const got = await s.unseen(10);
      expect(got.map((m) => m.raw!.toString('utf8'))).toEqual([testMessage('m1', 'premier'), testMessage('m2', 'deuxième é')]);
      expect(got[0].uid).toBeLessThan(got[1].uid);
      expect(got[0].size).toBe(Buffer.byteLength(testMessage('m1', 'premier')));
      await s.close();
      const again = await h.box.open();
      expect(await again.unseen(10)).toHaveLength(2);
      await again.close();
      expect((await h.folder('')).map((m) => m.flags.includes('\\Seen'))).toEqual([false, false]);
    });

    it('returns at most `limit` messages, and never the ones already seen', async () => {
      const h = await make({});
      await h.deliver(testMessage('lu'), ['\\Seen']);
      for (let i = 1; i <= 4; i++) await h.deliver(testMessage(`n${i}`));
      const s = await h.box.open();
      const first = await s.unseen(3);
      expect(first.map((m) => /Message-ID: <(\w+)@/.exec(m.raw!.toString())![1])).toEqual(['n1', 'n2', 'n3']);
      await s.close();
    });

    it('a processed message is flagged seen and left in place when no processed folder is configured', async () => {
      const h = await make({});
      await h.deliver(testMessage('p1'));
      await h.deliver(testMessage('p2'));
      const s = await h.box.open();
      const [a] = await s.unseen(1);
      await s.markProcessed(a.uid);
      expect((await s.unseen(10)).map((m) => m.uid)).not.toContain(a.uid);
      await s.close();
      expect(await h.folder('')).toEqual([
        { messageId: '<p1@mx.example.test>', flags: ['\\Seen'] },
        { messageId: '<p2@mx.example.test>', flags: [] },
      ]);
    });

    it('a processed message is moved to the processed folder when one is configured', async () => {
      const h = await make({ processedMailbox: 'x' });
      await h.deliver(testMessage('q1'));
      const s = await h.box.open();
      const [a] = await s.unseen(10);
      await s.markProcessed(a.uid);
      expect(await s.unseen(10)).toEqual([]);
      await s.close();
      expect(await h.folder('')).toEqual([]);
      expect(await h.folder(h.names.processedMailbox)).toEqual([{ messageId: '<q1@mx.example.test>', flags: ['\\Seen'] }]);
    });

    it('a message set aside stays unseen for a human, with a keyword that hides it from the next relève', async () => {
      const h = await make({});
      await h.deliver(testMessage('humain'));
      const s = await h.box.open();
      const [a] = await s.unseen(10);
      await s.setAside(a.uid);
      await s.close();
      const next = await h.box.open();
      expect(await next.unseen(10)).toEqual([]);
      await next.close();
      expect(await h.folder('')).toEqual([{ messageId: '<humain@mx.example.test>', flags: [ignoreKeyword] }]);
    });

    it('a message set aside is moved, still unseen, to the ignored folder when one is configured', async () => {
      const h = await make({ ignoredMailbox: 'x' });
      await h.deliver(testMessage('pub'));
      const s = await h.box.open();
      const [a] = await s.unseen(10);
      await s.setAside(a.uid);
      await s.close();
      expect(await h.folder('')).toEqual([]);
      expect(await h.folder(h.names.ignoredMailbox)).toEqual([{ messageId: '<pub@mx.example.test>', flags: [] }]);
    });

    it('a message above the size limit is listed without its source', async () => {
      const h = await make({ maxMessageBytes: 2000 });
      await h.deliver(testMessage('gros', 'x'.repeat(3000)));
      await h.deliver(testMessage('petit'));
      const s = await h.box.open();
      const got = await s.unseen(10);
      expect(got.map((m) => [m.size > 2000, m.raw === null])).toEqual([
        [true, true],
        [false, false],
      ]);
      await s.close();
    });

    it('marking an unknown uid changes nothing and does not fail', async () => {
      const h = await make({ processedMailbox: 'x' });
      await h.deliver(testMessage('r1'));
      const s = await h.box.open();
      await s.markProcessed(999_999);
      await s.setAside(999_998);
      expect(await s.unseen(10)).toHaveLength(1);
      await s.close();
    });
  });
}
