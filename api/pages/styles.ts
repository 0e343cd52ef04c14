// The one stylesheet of the pages, inlined in each page and allowed by its sha256 in the page's
// Content-Security-Policy: no external resource, nothing to fetch, and a saved page keeps it.
import { createHash } from "node:crypto";

export const CSS = `
:root{color-scheme:light}
*{box-sizing:border-box}
html{font-size:112.5%;-webkit-text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;line-height:1.5;color:#111;background:#fff;overflow-wrap:break-word}
.skip{position:absolute;left:-100vw;top:.5rem;background:#fff;color:#0b4f9c;padding:.5rem 1rem}
.skip:focus{left:.5rem}
.top{background:#14365c;color:#fff;padding:.6rem 1rem}
.top-inner{max-width:44rem;margin:0 auto;display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:baseline;justify-content:space-between}
.top a{color:#fff}
.brand{font-weight:700;font-size:1.1rem}
.top nav ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.25rem 1rem}
main{max-width:44rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;line-height:1.25;margin:.25rem 0 .75rem}
h2{font-size:1.3rem;line-height:1.3;margin:1.75rem 0 .5rem}
h3{font-size:1.1rem;margin:1rem 0 .25rem}
p{margin:.5rem 0}
a{color:#0b4f9c}
a:focus-visible,button:focus-visible,input:focus-visible,summary:focus-visible{outline:3px solid #b34700;outline-offset:2px}
.lead{font-size:1.15rem}
.muted{color:#3d3d3d}
.small{font-size:.9rem}
.months{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.5rem;margin:.75rem 0}
.card{border:2px solid #5a5a5a;border-radius:.5rem;padding:.5rem .9rem .75rem;margin:1rem 0}
.card>h2,.card>h3{margin-top:.5rem}
.verdict{border-width:4px}
.approve{border-color:#1a6b2f}
.reject{border-color:#a4161a}
.insufficient_evidence,.not_evaluated{border-color:#6b4e00}
.badge{display:inline-block;font-weight:700;padding:.05rem .5rem;border-radius:.3rem;color:#fff}
.badge.approve{background:#1a6b2f}
.badge.reject{background:#a4161a}
.badge.insufficient_evidence,.badge.not_evaluated{background:#6b4e00}
table{border-collapse:collapse;width:100%;font-size:.95rem}
caption{text-align:left;font-weight:700;padding:.25rem 0}
th,td{text-align:left;padding:.35rem .4rem;border-bottom:1px solid #767676;vertical-align:top}
thead th{border-bottom:2px solid #111}
.num{text-align:right;white-space:nowrap}
.total{font-size:1.2rem;font-weight:700}
.chart svg{width:100%;height:auto;display:block}
.legend{list-style:none;padding:0;margin:.25rem 0;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}
.key{display:inline-block;width:2rem;height:0;border-top:4px solid #14365c;vertical-align:middle;margin-right:.4rem}
.key.control{border-top:4px dashed #b34700}
.key.metered{border-top-color:#14365c}
details{margin:.5rem 0}
summary{cursor:pointer;color:#0b4f9c;text-decoration:underline}
form.inline{display:inline}
button,input{font:inherit}
button{background:#14365c;color:#fff;border:0;border-radius:.3rem;padding:.35rem .9rem;cursor:pointer}
.top button{background:#fff;color:#14365c}
input[type=text],input[type=password]{width:100%;padding:.4rem;border:2px solid #5a5a5a;border-radius:.3rem}
label{display:block;font-weight:700;margin:.5rem 0 .25rem}
.statement-head{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.5rem 2rem}
.grid{display:block}
footer{max-width:44rem;margin:1.5rem auto 0;padding:1rem;border-top:1px solid #767676;font-size:.9rem;color:#3d3d3d}
.print-only{display:none}
@media (max-width:30rem){html{font-size:106.25%}main{padding:.75rem}table{font-size:.85rem}th,td{padding:.3rem .25rem}thead .num{white-space:normal}.card{padding:.4rem .6rem .6rem}}
@page{size:A4;margin:10mm 12mm}
@media print{
html{font-size:9.5pt}
body{color:#000}
.top,.noprint,.skip,footer{display:none!important}
.print-only{display:block}
main{max-width:none;padding:0}
a{color:#000;text-decoration:none}
h1{font-size:1.7rem;margin:0 0 .3rem}
h2{font-size:1.25rem;margin:.6rem 0 .25rem;break-after:avoid}h3{margin:.4rem 0 .1rem}
.card{margin:.5rem 0;padding:.3rem .6rem .5rem;break-inside:avoid}
table,figure,svg{break-inside:avoid}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:0 1rem}
.grid .card{margin:.3rem 0}.chart svg{width:auto;max-width:100%;height:4.8cm;margin:0 auto}.facts{font-size:.85rem}.facts h2{font-size:1.1rem}.legend{margin:0}figure{margin:.3rem 0}p{margin:.3rem 0}ul{margin:.3rem 0}
.badge{border:1px solid #000}
}
`
  .trim()
  .replace(/\n/g, "");

/** The CSP source allowing exactly this stylesheet. */
export const CSS_HASH = `'sha256-${createHash("sha256").update(CSS).digest("base64")}'`;
