/**
 * Task modules travel between machines as paths relative to the alphalab package root when they live inside
 * it (every worker runs the same release from its own checkout, wherever that is) and as absolute URLs
 * otherwise (user modules, which must then exist at the same path on every worker).
 */
import { InvalidInputError } from '../../core/errors.ts';

export type ModuleRef = { readonly pkg: string } | { readonly url: string };

/** `file:` URL of the package root (this file is src/compute/bullmq/module-ref.ts), with a trailing slash. */
export const PACKAGE_ROOT_URL = new URL('../../../', import.meta.url).href;

export function toModuleRef(url: string, root = PACKAGE_ROOT_URL): ModuleRef {
  if (url.startsWith(root)) return { pkg: url.slice(root.length) };
  return { url };
}

export function resolveModuleRef(ref: ModuleRef, root = PACKAGE_ROOT_URL): string {
  if ('pkg' in ref) {
    if (ref.pkg.split('/').includes('..'))
      throw new InvalidInputError(`module path '${ref.pkg}' leaves the package`, {
        where: { field: 'module' },
      });
    return new URL(ref.pkg, root).href;
  }
  if (!/^(file|data|node):/.test(ref.url))
    throw new InvalidInputError(`module URL '${ref.url}' is not a file:, data: or node: URL`, {
      where: { field: 'module' },
    });
  return ref.url;
}
