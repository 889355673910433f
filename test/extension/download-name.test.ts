/** Issue 11 item 5: the file_download dialog's default path stays in the workspace whatever file_name says. */
import * as assert from "node:assert/strict";
import { join, relative, resolve, sep } from "node:path";
import { describe, it } from "node:test";
import { downloadFileName } from "../../src/extension/download-name";

describe("the download save dialog's default name", () => {
  const workspace = resolve("/work/ws");
  const hostile = ["../../.bashrc", "..\\..\\.bashrc", "/etc/passwd", "~/.ssh/config", "C:\\Windows\\x.dll", "..", ".", "a/../../b.txt", "", "   ", "x\u0000y.txt", "dir/", null, undefined, 42];
  for (const given of hostile) {
    it(`${JSON.stringify(given)} joined to the workspace stays inside it`, () => {
      const name = downloadFileName(given);
      assert.ok(name.length > 0);
      assert.ok(!name.includes("/") && !name.includes("\\"), name);
      assert.ok(!name.startsWith("."), name);
      const target = resolve(join(workspace, name));
      assert.ok(target.startsWith(workspace + sep), target);
      assert.equal(relative(workspace, target), name);
    });
  }

  it("keeps an ordinary name, and takes the last segment of a path", () => {
    assert.equal(downloadFileName("report.csv"), "report.csv");
    assert.equal(downloadFileName("exports/2024/report.csv"), "report.csv");
    assert.equal(downloadFileName("../../.bashrc"), "bashrc");
    assert.equal(downloadFileName(undefined), "download.txt");
    assert.equal(downloadFileName(".."), "download.txt");
  });
});
