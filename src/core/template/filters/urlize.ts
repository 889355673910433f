/** `urlize` (Jinja 3.1 utils.urlize with the default policy rel="noopener"). */
import { TemplateError } from "../template-error";
import { Undef } from "../../python/objects";
import { pyIterate } from "../../python/operators";
import { pyRepr } from "../../python/format";
import { filter, softStr, type FilterFn } from "./common";

const w = "[\\p{L}\\p{N}_]";
const httpRe = new RegExp(
  "^(" +
    `(https?://|www\\.)((${w.slice(0, -1)}%-]+\\.)+)?([a-z]{2,63}|xn--${w.slice(0, -1)}%]{2,59})` +
    `|(${w.slice(0, -1)}%-]{2,63}\\.)+(com|net|int|edu|gov|org|info|mil)` +
    "|(https?://)((([\\d]{1,3})(\\.[\\d]{1,3}){3})|(\\[([\\da-f]{0,4}:){2}([\\da-f]{0,4}:?){1,6}\\]))" +
    ")(?::[\\d]{1,5})?(?:[/?#]\\S*)?$",
  "iu",
);
const emailRe = new RegExp(`^\\S+@${w}[${w.slice(1, -1)}.-]*\\.${w}+$`, "u");
const uriSchemeRe = new RegExp(`^([${w.slice(1, -1)}.+-]{2,}:(/){0,2})$`, "u");

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&#34;").replace(/'/g, "&#39;");
}

function count(text: string, part: string): number {
  return text.split(part).length - 1;
}

export function urlize(text: string, trimUrlLimit: number | null, rel: string | null, target: string | null, extraSchemes: string[]): string {
  const trimUrl = (url: string) => (trimUrlLimit !== null && [...url].length > trimUrlLimit ? [...url].slice(0, trimUrlLimit).join("") + "..." : url);
  const words = escapeHtml(text).split(/(\s+)/);
  const relAttr = rel ? ` rel="${escapeHtml(rel)}"` : "";
  const targetAttr = target ? ` target="${escapeHtml(target)}"` : "";
  return words
    .map((word) => {
      let head = "";
      let middle = word;
      let tail = "";
      const lead = /^([(<]|&lt;)+/.exec(middle);
      if (lead) {
        head = lead[0];
        middle = middle.slice(lead[0].length);
      }
      if ([")", ">", ".", ",", "\n", "&gt;"].some((end) => middle.endsWith(end))) {
        const trail = /([)>.,\n]|&gt;)+$/.exec(middle);
        if (trail) {
          tail = trail[0];
          middle = middle.slice(0, trail.index);
        }
      }
      for (const [startChar, endChar] of [["(", ")"], ["<", ">"], ["&lt;", "&gt;"]]) {
        const startCount = count(middle, startChar);
        if (startCount <= count(middle, endChar)) continue;
        for (let i = 0, n = Math.min(startCount, count(tail, endChar)); i < n; i++) {
          const endIndex = tail.indexOf(endChar) + endChar.length;
          middle += tail.slice(0, endIndex);
          tail = tail.slice(endIndex);
        }
      }
      if (httpRe.test(middle)) {
        const href = middle.startsWith("https://") || middle.startsWith("http://") ? middle : `https://${middle}`;
        middle = `<a href="${href}"${relAttr}${targetAttr}>${trimUrl(middle)}</a>`;
      } else if (middle.startsWith("mailto:") && emailRe.test(middle.slice(7))) {
        middle = `<a href="${middle}">${middle.slice(7)}</a>`;
      } else if (middle.includes("@") && !middle.startsWith("www.") && !middle.includes(":") && emailRe.test(middle)) {
        middle = `<a href="mailto:${middle}">${middle}</a>`;
      } else {
        for (const scheme of extraSchemes) {
          if (middle !== scheme && middle.startsWith(scheme)) middle = `<a href="${middle}"${relAttr}${targetAttr}>${middle}</a>`;
        }
      }
      return head + middle + tail;
    })
    .join("");
}

export const urlizeFilters: Record<string, FilterFn> = {
  urlize: filter(
    "urlize",
    [["trim_url_limit", null], ["nofollow", false], ["target", null], ["rel", null], ["extra_schemes", null]],
    (v, a) => {
      const relParts = new Set((a.rel === null ? "" : softStr(a.rel)).split(/\s+/).filter(Boolean));
      if (a.nofollow) relParts.add("nofollow");
      relParts.add("noopener");
      const rel = [...relParts].sort().join(" ") || null;
      const extraSchemes = a.extra_schemes === null ? [] : pyIterate(a.extra_schemes).map(softStr);
      for (const scheme of extraSchemes) {
        if (!uriSchemeRe.test(scheme)) throw new TemplateError("runtime", `${pyRepr(scheme)} is not a valid URI scheme prefix.`);
      }
      const limit = a.trim_url_limit === null ? null : Number(a.trim_url_limit);
      return urlize(v instanceof Undef ? "" : softStr(v), limit, rel, a.target === null ? null : softStr(a.target), extraSchemes);
    },
  ),
};

