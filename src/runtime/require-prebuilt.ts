/**
 * Loads one of the build's prebuilt CommonJS files (the gtm.yaml and plan-record validators) with
 * V8's code cache: the build runs each file once, exercises it, and writes the compiled code beside
 * it (`<file>.v8cache`); loading it then skips parsing and compiling ~0.5 MB of generated code at
 * every start. The cache file starts with the SHA-256 of the source it was made from (V8's own check
 * compares only the source's length), and V8 rejects a cache of another version or flags: in either
 * case the file is compiled as `require` would, with the same result. Without a cache file it is a
 * plain `require`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';

const WRAPPER = ['(function (exports, require, module, __filename, __dirname) {', '\n})'] as const;

const wrapped = (source: string) => `${WRAPPER[0]}${source}${WRAPPER[1]}`;
const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** The script of a CommonJS file, compiled without a cache (the build makes the cache from it). */
export function prebuiltScript(file: string): vm.Script {
  return new vm.Script(wrapped(readFileSync(file, 'utf8')), { filename: file });
}

/** The cache file's bytes for a script of `file` that has run: the source's hash, then V8's data. */
export function prebuiltCache(file: string, script: vm.Script): Buffer {
  return Buffer.concat([sha256(readFileSync(file, 'utf8')), script.createCachedData()]);
}

/** Runs a compiled CommonJS script as a module and returns its exports. */
export function runPrebuilt(script: vm.Script, file: string): unknown {
  const fn = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as unknown };
  fn.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return module.exports;
}

/** Whether the last `requirePrebuilt` used its code cache (for the tests and the benchmark). */
export const prebuiltCacheUse = { accepted: 0, rejected: 0, absent: 0 };

export function requirePrebuilt(file: string): unknown {
  const cacheFile = `${file}.v8cache`;
  if (!existsSync(cacheFile)) {
    prebuiltCacheUse.absent++;
    return createRequire(file)(file);
  }
  const source = readFileSync(file, 'utf8');
  const cache = readFileSync(cacheFile);
  const fresh = cache.length > 32 && cache.subarray(0, 32).equals(sha256(source));
  const script = new vm.Script(wrapped(source), {
    filename: file,
    cachedData: fresh ? cache.subarray(32) : undefined,
  });
  if (fresh && !script.cachedDataRejected) prebuiltCacheUse.accepted++;
  else prebuiltCacheUse.rejected++;
  return runPrebuilt(script, file);
}
