/** A bad spec or bad parameters: the message is meant for the user, as TrialOutcome.error. */
export class ArgvError extends Error {
  override readonly name = 'ArgvError';
}
