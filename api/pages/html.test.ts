// Escaping and language choice: nothing a request or the data holds can become markup, and
// French stays the default unless the reader asks for English.
import { describe, expect, it } from "vitest";
import { html, raw } from "./html.ts";
import { formatQuantity, pickLang } from "./i18n.ts";
import { safeNext } from "./session.ts";

describe("html", () => {
  it("escapes interpolated text and attributes, keeps fragments and drops empty values", () => {
    const name = `<script>alert("x")</script>`;
    const out = html`<p title="${name}">${name}${html`<b>ok</b>`}${null}${false}${[1, 2]}${raw("&nbsp;")}</p>`;
    expect(out.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<b>ok</b>12&nbsp;</p>',
    );
  });
});

describe("pickLang", () => {
  it("?lang= wins, then Accept-Language by quality, French by default", () => {
    expect(pickLang("en", "fr-FR")).toBe("en");
    expect(pickLang(undefined, "en-GB,en;q=0.9,fr;q=0.8")).toBe("en");
    expect(pickLang(undefined, "de-DE,fr;q=0.5,en;q=0.9")).toBe("en");
    expect(pickLang(undefined, "de-DE")).toBe("fr");
    expect(pickLang(undefined, undefined)).toBe("fr");
    expect(pickLang("xx", "en;q=0")).toBe("fr");
  });

  it("writes quantities as people do", () => {
    expect(formatQuantity(1234.56, "kWh", "fr")).toBe("1 235\u00a0kWh");
    expect(formatQuantity(3.42, "m3", "en")).toBe("3.4\u00a0m³");
  });
});

describe("safeNext", () => {
  const tenant = { role: "tenant", subject: "t", building: "b", dwelling: "d" } as const;
  it("keeps local paths only", () => {
    expect(safeNext("/tenant?month=2025-01", tenant)).toBe("/tenant?month=2025-01");
    expect(safeNext("//evil.example/x", tenant)).toBe("/tenant");
    expect(safeNext("https://evil.example", tenant)).toBe("/tenant");
    expect(safeNext("/\\evil.example", tenant)).toBe("/tenant");
    expect(safeNext("/login?token=x", tenant)).toBe("/tenant");
    expect(safeNext(undefined, { role: "board", subject: "b", buildings: ["b"] })).toBe("/board");
  });
});
