// The second yardstick of the benchmark: Hugo's plain build of the same paper files. A Hugo site with the Markdown
// as it is (Goldmark, no math: `$...$` stays text), one minimal layout for a paper and one for a list, and Hugo's
// defaults otherwise (home and section lists, tag pages, RSS feeds, sitemap). Run only when `hugo` is installed.
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { linkCorpus } from "./baseline.ts";

const config = `baseURL = "https://bench.example.org/"
title = "Benchmark Digest"
languageCode = "en"
`;

const single = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main><article>
<h1>{{ .Title }}</h1>
<p>{{ delimit (.Params.authors | default slice) ", " }}</p>
<p>{{ .Params.category }} · {{ .Params.upvotes }} upvotes · <a href="https://arxiv.org/abs/{{ .Params.arxiv }}">arXiv:{{ .Params.arxiv }}</a></p>
{{ .Content }}
</article></main></body>
</html>
`;

const list = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body><main>
<h1>{{ .Title }}</h1>
<ul>
{{- range .Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{- end }}
</ul>
</main></body>
</html>
`;

/** Where `hugo` is and its version, or why the comparison cannot run. */
export function findHugo(): { command: string; version: string } | { missing: string } {
  const probe = spawnSync("hugo", ["version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    const why = (probe.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT" ? "`hugo` is not on PATH" : `\`hugo version\` failed: ${(probe.stderr || String(probe.error)).trim()}`;
    return { missing: `${why} (install it with \`apt-get install hugo\` to compare)` };
  }
  return { command: "hugo", version: probe.stdout.trim().split(" ").slice(0, 2).join(" ") };
}

/** Writes the Hugo project into `dir` over the corpus at `contentDir` (paper files hard-linked, copied when links are impossible). */
export function writeHugoProject(dir: string, contentDir: string, files: string[]): void {
  mkdirSync(path.join(dir, "layouts", "_default"), { recursive: true });
  writeFileSync(path.join(dir, "hugo.toml"), config);
  writeFileSync(path.join(dir, "layouts", "_default", "single.html"), single);
  writeFileSync(path.join(dir, "layouts", "_default", "list.html"), list);
  linkCorpus(contentDir, files, path.join(dir, "content", "papers"));
}

/** The command that builds the Hugo project into `outputDir` (run with the project folder as working directory). */
export function hugoCommand(command: string, outputDir: string): { command: string; args: string[] } {
  return { command, args: ["--quiet", "--destination", outputDir, "--cacheDir", path.join(outputDir, "..", "hugo-cache")] };
}
