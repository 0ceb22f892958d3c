/**
 * Wraps an async action so it runs at most once at a time and, once it has succeeded, never again:
 * a call while it runs awaits that same run, a call after a success gets that success. A failed run
 * is forgotten, so a later call may try again (a drop refused by a busy server can be retried).
 *
 * Why: a scratch database has two ways to be dropped (the SIGINT/SIGTERM cleanup registry and the
 * owner's `finally`). Two DROPs racing on the server fail each other ("tuple concurrently
 * deleted") and print a false "could not drop" warning; one shared run cannot race itself.
 * @example const drop = singleFlight(() => dropPgScratch(admin, db, role)); await Promise.all([drop(), drop()]); // one DROP
 */
export function singleFlight<T>(action: () => Promise<T>): () => Promise<T> {
  let run: Promise<T> | undefined;
  return () => {
    run ??= (async () => action())().catch((error: unknown) => {
      run = undefined;
      throw error;
    });
    return run;
  };
}
