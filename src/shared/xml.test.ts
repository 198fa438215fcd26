import { describe, expect, it } from 'vitest';
import { isAppError } from './errors.js';
import { attr, childrenNamed, firstChild, locationOf, parseXml, stringValue } from './xml.js';

const enc = (s: string) => new TextEncoder().encode(s);

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (isAppError(e) && e.code === 'formats.unreadable') return String(e.details?.reason);
    throw e;
  }
  return undefined;
}

describe('parseXml', () => {
  it('resolves prefixes to namespace URIs whatever prefixes are used', () => {
    const a = parseXml(enc('<r:Root xmlns:r="urn:a" xmlns:b="urn:b"><b:X id="1">v &amp; w</b:X><b:X/></r:Root>'));
    const b = parseXml(enc('<Root xmlns="urn:a"><y:X xmlns:y="urn:b" id="1">v &amp; w</y:X><X xmlns="urn:b"/></Root>'));
    for (const doc of [a, b]) {
      expect(doc.root.ns).toBe('urn:a');
      expect(doc.root.name).toBe('Root');
      const xs = childrenNamed(doc.root, 'urn:b', 'X');
      expect(xs).toHaveLength(2);
      expect(xs[0].text).toBe('v & w');
      expect(attr(xs[0], 'id')).toBe('1');
    }
  });

  it('keeps CDATA, numeric references, comments and processing instructions out of the way', () => {
    const doc = parseXml(enc('<?xml version="1.0" encoding="UTF-8"?>\n<!-- hi --><a><?pi x?><b><![CDATA[<x>&]]>&#233;&#xE9;</b></a>'));
    expect(firstChild(doc.root, '', 'b')?.text).toBe('<x>&éé');
    expect(stringValue(doc.root)).toBe('<x>&éé');
  });

  it('decodes ISO-8859-1 when declared and UTF-16 with BOM', () => {
    const latin = new Uint8Array([...enc('<?xml version="1.0" encoding="ISO-8859-1"?><a>'), 0xe9, ...enc('</a>')]);
    expect(parseXml(latin).root.text).toBe('é');
    const s = '<a>ü</a>';
    const u16 = new Uint8Array(2 + s.length * 2);
    u16[0] = 0xff;
    u16[1] = 0xfe;
    for (let i = 0; i < s.length; i++) u16[2 + i * 2] = s.charCodeAt(i);
    expect(parseXml(u16).root.text).toBe('ü');
  });

  it('gives element locations and lines', () => {
    const doc = parseXml(enc('<a xmlns:p="urn:p">\n<p:b/>\n<p:b/></a>'));
    const second = doc.root.children[1];
    expect(locationOf(second)).toBe('/a/p:b[2]');
    expect(second.line).toBe(3);
  });
});

describe('parseXml refuses hostile input with formats.unreadable', () => {
  it('refuses XXE (external entity in a DOCTYPE)', () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><foo>&xxe;</foo>';
    expect(reasonOf(() => parseXml(enc(xxe)))).toBe('doctype_forbidden');
  });
  it('refuses billion laughs', () => {
    const lol =
      '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><lolz>&lol2;</lolz>';
    expect(reasonOf(() => parseXml(enc(lol)))).toBe('doctype_forbidden');
  });
  it('refuses undeclared entities and stray entity declarations', () => {
    expect(reasonOf(() => parseXml(enc('<a>&nbsp;</a>')))).toBe('entity_forbidden');
    expect(reasonOf(() => parseXml(enc('<a><!ENTITY x "y"></a>')))).toBe('entity_forbidden');
  });
  it('limits size and depth', () => {
    expect(reasonOf(() => parseXml(enc('<a>' + 'x'.repeat(2000) + '</a>'), { maxBytes: 1000 }))).toBe('too_large');
    const deep = '<a>'.repeat(201) + '</a>'.repeat(201);
    expect(reasonOf(() => parseXml(enc(deep)))).toBe('too_deep');
    const ok = '<a>'.repeat(200) + '</a>'.repeat(200);
    expect(parseXml(enc(ok)).root.name).toBe('a');
  });
  it('refuses malformed documents with a precise reason', () => {
    for (const bad of ['<a><b></a>', '<a>', '<a></a><b/>', 'text', '<a x=1/>', '<a x="1" x="2"/>', '<p:a/>', '<a>&#0;</a>', '']) {
      const reason = reasonOf(() => parseXml(enc(bad)));
      expect(reason, bad).toMatch(/malformed|empty|entity_forbidden/);
    }
  });
  it('refuses unknown encodings and invalid UTF-8', () => {
    expect(reasonOf(() => parseXml(enc('<?xml version="1.0" encoding="EBCDIC"?><a/>')))).toBe('encoding');
    expect(reasonOf(() => parseXml(new Uint8Array([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e])))).toBe('encoding');
  });
  it('error carries a French message with the line', () => {
    try {
      parseXml(enc('<a>\n<b>\n</a>'));
      expect.unreachable();
    } catch (e) {
      expect(isAppError(e) && e.message).toMatch(/ligne 3/);
    }
  });
});

describe('parseXml options', () => {
  it('can drop whitespace-only character data but keeps meaningful text', () => {
    const xml = enc('<a>\n  <b> x </b>\n  <c>  </c>\n</a>');
    const kept = parseXml(xml);
    expect(kept.root.text).toBe('\n  \n  \n');
    const dropped = parseXml(xml, { ignoreWhitespaceText: true });
    expect(dropped.root.text).toBe('');
    expect(dropped.root.children[0].text).toBe(' x ');
    expect(dropped.root.children[1].text).toBe('');
  });
});
