import type { Page } from 'playwright-core';

/**
 * A few structural accessibility rules checked in the live DOM (not a full audit):
 * French document language, exactly one h1, a label for every form control, an accessible name
 * for every button, link and image-like element, and no duplicate ids.
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
    const ids = new Map<string, number>();
    for (const el of Array.from(document.querySelectorAll('[id]'))) ids.set(el.id, (ids.get(el.id) ?? 0) + 1);
    for (const [id, n] of ids) if (n > 1) problems.push(`id dupliqué : ${id}`);
    return problems;
  });
}
