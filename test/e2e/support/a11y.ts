import type { Page } from 'playwright-core';

/**
 * A few structural accessibility rules checked in the live DOM (not a full audit):
 * French document language, exactly one h1, a label for every form control, an accessible name
 * for every button, link and image-like element, AA text contrast, and no duplicate ids.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const visible = (el: Element) => {
      const h = el as HTMLElement;
      if (h.closest('[hidden]') || h.closest('dialog:not([open])')) return false;
      const s = getComputedStyle(h);
      return s.display !== 'none' && s.visibility !== 'hidden';
    };
    const describe = (el: Element) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.getAttribute('name') ? `[name=${el.getAttribute('name')}]` : ''}`;
    const labelledBy = (el: Element) =>
      (el.getAttribute('aria-labelledby') ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .map((id) => document.getElementById(id)?.textContent?.trim() ?? '')
        .join(' ')
        .trim();
    const name = (el: Element) => (el.getAttribute('aria-label') ?? '').trim() || labelledBy(el) || (el.textContent ?? '').trim() || (el.getAttribute('title') ?? '').trim();

    if (document.documentElement.lang !== 'fr') problems.push(`html lang="${document.documentElement.lang}" (fr attendu)`);
    const h1s = Array.from(document.querySelectorAll('h1')).filter(visible);
    if (h1s.length !== 1) problems.push(`${h1s.length} h1 visibles (1 attendu)`);
    for (const el of Array.from(document.querySelectorAll('input, select, textarea'))) {
      if ((el as HTMLInputElement).type === 'hidden' || !visible(el)) continue;
      const labels = (el as HTMLInputElement).labels;
      const hasLabel = (labels && Array.from(labels).some((l) => (l.textContent ?? '').trim())) || (el.getAttribute('aria-label') ?? '').trim() || labelledBy(el);
      if (!hasLabel) problems.push(`champ sans libellé : ${describe(el)}`);
    }
    for (const el of Array.from(document.querySelectorAll('button, [role=button]')).filter(visible)) if (!name(el)) problems.push(`bouton sans nom : ${describe(el)}`);
    for (const el of Array.from(document.querySelectorAll('a[href]')).filter(visible)) if (!name(el)) problems.push(`lien sans nom : ${describe(el)}`);
    for (const el of Array.from(document.querySelectorAll('img, canvas, [role=img]')).filter(visible)) {
      if (el.tagName === 'IMG' ? el.getAttribute('alt') === null : !name(el)) problems.push(`image sans texte alternatif : ${describe(el)}`);
    }
    // Text contrast (WCAG 2 AA): 4.5:1, or 3:1 for large text; backgrounds are composited up the tree.
    type Rgba = [number, number, number, number];
    const parse = (c: string): Rgba => {
      const m = c.match(/rgba?\(([^)]+)\)/);
      if (!m) return [0, 0, 0, 0];
      const p = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
    };
    const over = (top: Rgba, bottom: Rgba): Rgba => {
      const a = top[3] + bottom[3] * (1 - top[3]);
      if (a === 0) return [0, 0, 0, 0];
      const ch = (i: number) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a;
      return [ch(0), ch(1), ch(2), a];
    };
    const background = (el: Element): Rgba => {
      const layers: Rgba[] = [];
      for (let e: Element | null = el; e; e = e.parentElement) layers.push(parse(getComputedStyle(e).backgroundColor));
      let acc: Rgba = [255, 255, 255, 1];
      for (const layer of layers.reverse()) acc = over(layer, acc);
      return acc;
    };
    const luminance = ([r, g, b]: Rgba) => {
      const lin = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const modal = document.querySelector('dialog[open]');
    for (const el of Array.from((modal ?? document.body).querySelectorAll('*'))) {
      if (!visible(el) || (el as HTMLButtonElement).disabled || el.closest('.visually-hidden, canvas, option, select')) continue;
      const ownText = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && (n.textContent ?? '').trim());
      if (!ownText) continue;
      const st = getComputedStyle(el);
      const bg = background(el);
      const fg = over(parse(st.color), bg);
      const [l1, l2] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
      const ratio = (l1 + 0.05) / (l2 + 0.05);
      const size = parseFloat(st.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(st.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) problems.push(`contraste ${ratio.toFixed(2)}:1 insuffisant : ${describe(el)} « ${(el.textContent ?? '').trim().slice(0, 30)} »`);
    }

    const ids = new Map<string, number>();
    for (const el of Array.from(document.querySelectorAll('[id]'))) ids.set(el.id, (ids.get(el.id) ?? 0) + 1);
    for (const [id, n] of ids) if (n > 1) problems.push(`id dupliqué : ${id}`);
    return problems;
  });
}
