import { useEffect, useState } from 'react';
import { ApiError, get } from './api.ts';

export interface Loaded<T> {
  data: T | undefined;
  error: string | undefined;
  loading: boolean;
}

/** GET `path` (re-fetched when it or `version` changes); null path = nothing to load. */
export function useApi<T>(path: string | null, version = 0): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({
    data: undefined,
    error: undefined,
    loading: path !== null,
  });
  // `version` is not read inside: bumping it is how a page asks for the same path again (after a promote).
  // biome-ignore lint/correctness/useExhaustiveDependencies: version is a re-fetch trigger
  useEffect(() => {
    if (path === null) {
      setState({ data: undefined, error: undefined, loading: false });
      return;
    }
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    get<T>(path).then(
      (data) => live && setState({ data, error: undefined, loading: false }),
      (e: unknown) =>
        live &&
        setState({ data: undefined, error: e instanceof ApiError ? e.message : String(e), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [path, version]);
  return state;
}
